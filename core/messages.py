"""Django's message storage (a signed cookie, then the session), with the cookie's signer
made only when a message cookie is read or written.

Django's CookieStorage makes its signer on every request, though almost no request carries a
message: about as much CPU as the rest of a public page served from the cache. The cookie's
format, its signature and the fallback to the session are Django's own, unchanged.
"""

from django.contrib.messages.storage import base, cookie, fallback, session
from django.core import signing
from django.utils.functional import cached_property


class CookieStorage(cookie.CookieStorage):
    def __init__(self, *args, **kwargs):
        # BaseStorage's, without CookieStorage's eager signer (the property below instead).
        base.BaseStorage.__init__(self, *args, **kwargs)

    @cached_property
    def signer(self):
        return signing.get_cookie_signer(salt=self.key_salt)


class FallbackStorage(fallback.FallbackStorage):
    storage_classes = (CookieStorage, session.SessionStorage)
