"""Django's message storage (a signed cookie, the session past its size), with the cookie's
signer made only when a request has messages to read or to write.

Django's CookieStorage builds its signer (a key derivation from SECRET_KEY) for every request
that passes the message middleware, though most requests carry no message: that was about
3 % of the app servers' CPU under `make loadtest`.
"""

from functools import cached_property

from django.contrib.messages.storage import fallback
from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core import signing


class LazySignerCookieStorage(CookieStorage):
    def __init__(self, *args, **kwargs):
        BaseStorage.__init__(self, *args, **kwargs)

    @cached_property
    def signer(self):
        return signing.get_cookie_signer(salt=self.key_salt)


class FallbackStorage(fallback.FallbackStorage):
    storage_classes = (LazySignerCookieStorage, SessionStorage)
