"""/sw.js: the service worker that makes the portal an installable web app that works offline.

Served from the root (not /static/) so its scope is the whole site, with the static files it
keeps named by {% static %} (hashed names in production). It keeps the static files and the
monthly entry pages the officer opened (network first, the kept copy when offline); the
page script (static/js/entry-draft.js) keeps the typing and queues a save made offline.
Logging out deletes what it kept (static/js/portal-storage.js).
"""

from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Bump to drop every cache of an earlier worker on its next activation.
CACHE_VERSION = "1"


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    response = render(
        request,
        "offline/sw.js",
        {"cache_version": CACHE_VERSION},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response
