{% load static %}// The portal's service worker (core/offline.py). Static files: the kept copy first. The
// monthly entry pages the officer opened: the network first, the kept copy when offline (the
// month's form opens with the last figures it saw). Everything else goes to the network.
"use strict";

var STATIC_CACHE = "mttq-static-{{ cache_version }}";
var PAGE_CACHE = "mttq-pages-{{ cache_version }}";
var STATIC_PREFIX = "{% get_static_prefix %}";
var ENTRY_PAGE = /^\/phuong-xa\/[^/]+\/bao-cao\/\d{4}\/\d{1,2}\/$/;
var PRECACHE = [
  "{% static 'vendor/bootstrap/bootstrap.min.css' %}",
  "{% static 'css/portal.css' %}",
  "{% static 'vendor/bootstrap/bootstrap.bundle.min.js' %}",
  "{% static 'vendor/htmx/htmx.min.js' %}",
  "{% static 'js/scroll-regions.js' %}",
  "{% static 'js/busy-forms.js' %}",
  "{% static 'js/portal-storage.js' %}",
  "{% static 'js/offline.js' %}",
  "{% static 'js/entry-form.js' %}",
  "{% static 'js/entry-draft.js' %}",
  "{% static 'favicon.svg' %}",
];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE).then(function (cache) {
      return cache.addAll(PRECACHE);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("mttq-") === 0 && name !== STATIC_CACHE && name !== PAGE_CACHE;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

function staticFile(request) {
  return caches.match(request, { ignoreVary: true }).then(function (kept) {
    return kept || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(STATIC_CACHE).then(function (cache) {
          cache.put(request, copy);
        });
      }
      return response;
    });
  });
}

function entryPage(request) {
  return fetch(request).then(function (response) {
    // Only the form as the server showed it: not a login page a redirect led to.
    if (response.status === 200 && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(PAGE_CACHE).then(function (cache) {
        cache.put(request.url, copy);
      });
    }
    return response;
  }).catch(function (error) {
    return caches.open(PAGE_CACHE).then(function (cache) {
      return cache.match(request.url, { ignoreVary: true });
    }).then(function (kept) {
      if (kept) {
        return kept;
      }
      throw error;
    });
  });
}

// A page loaded before this worker ran asks to be kept (static/js/offline.js).
self.addEventListener("message", function (event) {
  var path = event.data && event.data.keep;
  if (typeof path !== "string" || !ENTRY_PAGE.test(path)) {
    return;
  }
  var request = new Request(new URL(path, self.location.origin).href);
  event.waitUntil(entryPage(request).catch(function () {}));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "GET" && url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate" && ENTRY_PAGE.test(url.pathname)) {
    if (request.method === "GET") {
      event.respondWith(entryPage(request));
    } else {
      // A save sent while the connection dropped: the month's form comes back from the kept
      // copy, and its draft (localStorage) offers the typing back.
      event.respondWith(fetch(request).catch(function (error) {
        return caches.open(PAGE_CACHE).then(function (cache) {
          return cache.match(url.origin + url.pathname, { ignoreVary: true });
        }).then(function (kept) {
          if (kept) {
            return kept;
          }
          throw error;
        });
      }));
    }
  }
});
