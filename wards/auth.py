"""Authentication backend that loads a user's role with the user: one query per request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class RoleAwareBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related(
                "role_assignment__ward__province", "role_assignment__province"
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
