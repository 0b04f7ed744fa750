"""Pages of the two-step login: the code step after the password, enrolment, removal."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts import otp


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã 6 chữ số trên ứng dụng xác thực",
        max_length=20,
        error_messages={
            "required": "Hãy nhập mã 6 chữ số.",
            "max_length": "Mã gồm 6 chữ số.",
        },
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "pattern": "[0-9 ]*",
                "class": "form-control form-control-lg text-center",
            }
        ),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="Mật khẩu đăng nhập của bạn",
        strip=False,
        max_length=128,
        help_text="Nhập lại mật khẩu để xác nhận chính bạn tắt xác thực hai bước.",
        error_messages={"required": "Hãy nhập mật khẩu để xác nhận."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


WRONG_CODE = "Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trên ứng dụng."


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url("home")


def _require_eligible(user):
    if not otp.can_enrol(user):
        raise PermissionDenied("Xác thực hai bước dành cho quản trị viên và cán bộ cấp tỉnh.")


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of the login for users with a device."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    if otp.device_of(request.user) is None:
        # The device was removed (by an admin) since this session began.
        request.session[otp.OTP_REQUIRED] = False
        return redirect(next_url)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if otp.verify_login_code(request=request, token=form.cleaned_data["code"]):
                return redirect(next_url)
            form.add_error("code", WRONG_CODE)
        except otp.Throttled as throttled:
            form.add_error(
                "code",
                f"Đã nhập sai nhiều lần. Hãy đợi {throttled.seconds} giây rồi nhập mã mới.",
            )
        status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request, "registration/otp_verify.html", {"form": form, "next": next_url}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Enrol an authenticator app: QR code and secret, confirmed by one code."""
    _require_eligible(request.user)
    device = otp.device_of(request.user)
    if device is not None:
        return render(request, "registration/otp_setup.html", {"device": device})
    key = request.session.get(otp.SETUP_KEY)
    if not key:
        key = request.session[otp.SETUP_KEY] = otp.new_setup_key()
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and otp.totp_enrol(
            request=request, key_hex=key, token=form.cleaned_data["code"]
        ):
            messages.success(
                request,
                "Đã bật xác thực hai bước. Từ lần đăng nhập sau, cổng sẽ hỏi mã trên ứng dụng "
                "sau khi nhập mật khẩu.",
            )
            return redirect("otp:setup")
        if form.is_valid():
            form.add_error("code", WRONG_CODE)
        status = 400
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "qr_svg": otp.qr_svg(request.user, key),
            "secret": otp.secret_for_display(key),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def disable(request):
    _require_eligible(request.user)
    device = otp.device_of(request.user)
    if device is None:
        return redirect("otp:setup")
    # Asks for the password again: a session left open on a shared computer must not be
    # enough to weaken the account.
    form = PasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            if otp.password_confirms(request=request, password=form.cleaned_data["password"]):
                otp.totp_disable(request=request)
                messages.success(request, "Đã tắt xác thực hai bước; đăng nhập chỉ cần mật khẩu.")
                return redirect("otp:setup")
            form.add_error("password", "Mật khẩu không đúng. Xác thực hai bước vẫn đang bật.")
        status = 400
    else:
        status = 200
    return render(
        request, "registration/otp_disable.html", {"device": device, "form": form}, status=status
    )
