"""Authentication backend that loads a user's role with the user.

Every signed-in request needs the user, their role and its ward or province: one query with
four joins, about 1 ms of the app server's time, or one read from the shared cache
(wards/page_cache.py) that any save or delete of the user or their role assignment renews at
commit, and a catalogue change renews for everyone. A change that bypasses the models (a bulk
UPDATE of accounts) is seen within PAGE_CACHE_SECONDS.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from wards import page_cache


def load_user(user_id):
    User = get_user_model()
    return (
        User._default_manager.select_related(
            "role_assignment__ward__province",
            "role_assignment__province",
            "role_assignment__organisation",
        )
        .filter(pk=user_id)
        .first()
    )


class RoleAwareBackend(ModelBackend):
    def get_user(self, user_id):
        user = page_cache.cached(
            ("user", str(user_id)), lambda: load_user(user_id), users=[user_id]
        )
        return user if user is not None and self.user_can_authenticate(user) else None
