import functools

from django.db import connections, router

from reports.notices.models import Notice
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
        "nav_unread_notices": functools.partial(unread_count, user),
    }


def unread_count(user) -> int:
    """notices.selectors.unread_count's figure, by one SQL statement written once per
    database: building the ORM's COUNT cost every signed-in page more than half a
    millisecond, several times what the database takes to answer it."""
    alias = router.db_for_read(Notice)
    with connections[alias].cursor() as cursor:
        cursor.execute(_unread_sql(alias), [user.pk])
        return cursor.fetchone()[0]


@functools.cache
def _unread_sql(alias) -> str:
    name = connections[alias].ops.quote_name
    fields = Notice._meta
    return (
        f"SELECT COUNT(*) FROM {name(fields.db_table)} "
        f"WHERE {name(fields.get_field('user').column)} = %s "
        f"AND {name(fields.get_field('read_at').column)} IS NULL"
    )
