"""The login forms: the portal's and the admin's."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm


class _UsernameWithinColumn:
    """A username longer than the user table's column belongs to nobody: refused like a wrong
    password, before authentication. Django sets the field's max_length without its
    validator, so the name would reach django-axes, whose attempt log cannot hold it
    (PostgreSQL: a server error)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is not None and len(username) > self.username_field.max_length:
            raise self.get_invalid_login_error()
        return super().clean()


class LoginForm(_UsernameWithinColumn, AuthenticationForm):
    pass


class AdminLoginForm(_UsernameWithinColumn, AdminAuthenticationForm):
    pass
