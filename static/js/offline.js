// The installable web app: registers the service worker (/sw.js, core/offline.py) for a
// signed-in user. The page that registered it was loaded before the worker ran, so a month's
// entry form (data-draft-user) asks the worker to keep it for offline use; later loads go
// through the worker, which keeps each entry page it fetches.
(function () {
  "use strict";

  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script || !script.dataset.serviceWorker) {
    return;
  }
  // Whether the worker fetched this page (and so kept it), read before it may claim the page.
  var fetchedByWorker = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker
    .register(script.dataset.serviceWorker, { scope: "/" })
    .then(function () {
      return navigator.serviceWorker.ready;
    })
    .then(function (registration) {
      var form = document.getElementById("entry-form");
      if (!fetchedByWorker && form && form.dataset.draftUser && registration.active) {
        registration.active.postMessage({ keep: location.pathname });
      }
    })
    .catch(function () {
      // No worker (private mode, an old browser): the portal works online as before.
    });
})();
