from functools import partial

from reports.notices.selectors import unread_count
from wards.selectors import ADMIN, PROVINCE_ROLES, province_for, role_of, ward_for


def navigation(request):
    """The user's own ward or province, for the navigation bar (no extra query), and the
    count of unread notices (one query, made only by a page that shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = role_of(user)
    return {
        "nav_ward": ward_for(user),
        "nav_province": province_for(user) if role in PROVINCE_ROLES else None,
        "nav_is_admin": role == ADMIN,
        "nav_unread_notices": partial(unread_count, user),
    }
