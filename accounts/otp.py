"""Optional two-step login with an authenticator app (TOTP) for admins and province officers.

An officer who enrolled a device signs in with the password as usual; the session is then
half-open: every page redirects to the code step until django-otp marks it verified. The
session remembers whether its user has a device (one query per session, not per request),
so a device enrolled from another browser applies to that browser's session from its next
login.
Lost phone: an admin deletes the officer's device in the admin ("TOTP devices").
"""

import logging
import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode

import segno
from django.contrib.auth import SESSION_KEY, authenticate
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from wards.selectors import ADMIN, PROVINCE_ROLES, role_of

logger = logging.getLogger(__name__)

OTP_REQUIRED = "mttq_otp_required"  # session: does this session's user have a device?
SETUP_KEY = "mttq_otp_setup_key"  # session: the secret shown during enrolment
DEVICE_NAME = "Ứng dụng xác thực"
ELIGIBLE_ROLES = (ADMIN, *PROVINCE_ROLES)


def can_enrol(user) -> bool:
    return role_of(user) in ELIGIBLE_ROLES


def device_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# --- Enforcement ---------------------------------------------------------------------------


def _exempt_paths() -> tuple[str, ...]:
    return (reverse("otp:verify"), reverse("logout"))


class OtpRequiredMiddleware:
    """Send an enrolled user whose session is not yet verified to the code step.

    Must follow django_otp's OTPMiddleware and the idle-session middleware. Covers every
    page, the admin site included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            required = session.get(OTP_REQUIRED)
            if required is None:
                required = TOTPDevice.objects.filter(
                    user_id=session[SESSION_KEY], confirmed=True
                ).exists()
                session[OTP_REQUIRED] = required
            if (
                required
                and request.user.is_authenticated
                and not request.user.is_verified()
                and request.path_info not in _exempt_paths()
            ):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('otp:verify')}?{query}")
        return self.get_response(request)


# --- Enrolment -------------------------------------------------------------------------------


def new_setup_key() -> str:
    return random_hex(20)


def secret_for_display(key_hex: str) -> str:
    """The base32 secret in groups of four, as authenticator apps accept it typed in."""
    secret = b32encode(unhexlify(key_hex)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(user, key_hex: str) -> str:
    """The otpauth:// address as an inline SVG QR code."""
    uri = TOTPDevice(user=user, key=key_hex).config_url
    return segno.make(uri, error="m").svg_inline(
        scale=4, light="#fff", title="Mã QR xác thực hai bước"
    )


def code_matches(key_hex: str, token: str) -> int | None:
    """The time step `token` is valid for (one step of clock drift allowed), else None."""
    token = token.strip().replace(" ", "")
    if not (token.isdigit() and len(token) == 6):
        return None
    totp = TOTP(unhexlify(key_hex), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if totp.verify(int(token), tolerance=1):
        return totp.t()  # the matched step (t() includes the drift verify found)
    return None


def totp_enrol(*, request, key_hex: str, token: str) -> TOTPDevice | None:
    """Save the device when `token` proves the app holds `key_hex`; verify this session."""
    step = code_matches(key_hex, token)
    if step is None:
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).delete()
        device = TOTPDevice.objects.create(
            user=request.user, name=DEVICE_NAME, key=key_hex, confirmed=True, last_t=step
        )
    otp_login(request, device)
    request.session[OTP_REQUIRED] = True
    request.session.pop(SETUP_KEY, None)
    logger.info("User %s enrolled a TOTP device", request.user.pk)
    return device


def password_confirms(*, request, password: str) -> bool:
    """Whether `password` is the signed-in user's own. Checked through authenticate(), so
    wrong passwords count towards the login throttle like wrong passwords at the login."""
    user = authenticate(request, username=request.user.get_username(), password=password)
    return user is not None and user.pk == request.user.pk


def totp_disable(*, request) -> None:
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session[OTP_REQUIRED] = False
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    logger.info("User %s removed their TOTP device", request.user.pk)


# --- Login step ------------------------------------------------------------------------------


class Throttled(Exception):
    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def verify_login_code(*, request, token: str) -> bool:
    """Check the code against the user's device; mark the session verified on success.

    Wrong codes slow further tries down (django-otp doubles the wait after each failure);
    raises Throttled while a wait is running.
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=request.user, confirmed=True).first()
        )
        if device is None:
            return False
        allowed, details = device.verify_is_allowed()
        if not allowed:
            remaining = details["locked_until"].timestamp() - time.time()
            raise Throttled(max(1, int(remaining + 0.999)))
        # Counts a failure (and the wait) itself, malformed codes included.
        verified = device.verify_token(token.strip().replace(" ", ""))
    if verified:
        otp_login(request, device)
        logger.info("User %s passed the TOTP step", request.user.pk)
    else:
        logger.warning("Wrong TOTP code for user %s", request.user.pk)
    return verified
