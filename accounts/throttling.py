"""Login throttling by address as well as by username (password spraying).

django-axes counts failures per username and address (AXES_LOCKOUT_PARAMETERS) against one
limit, LOGIN_FAILURE_LIMIT. Someone trying one password on many usernames never reaches it.
This handler adds a second, higher cap: LOGIN_ADDRESS_FAILURE_LIMIT failures from one address
within the cool-off time, whatever the usernames, lock that address out as well. It is kept
well above the per-username limit because a whole office can share one address (NAT).
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def address_failures(request) -> int:
    """Failed logins from the request's address within the cool-off time, any username."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked(request) -> bool:
    return address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class AddressCappedHandler(AxesDatabaseHandler):
    """django-axes' database handler; an address over its cap counts as locked out."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and address_locked(request):
            return limit
        return failures


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the Vietnamese page, status 429."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(
        request,
        "registration/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "address_failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
            "by_address": address_locked(request),
            "minutes": minutes,
        },
        status=429,
    )
