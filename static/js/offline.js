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
  // Whether the worker fetched this page (and so kept it). Not whether it controls the page
  // now: a worker the previous page registered can activate and claim this one while it
  // loads, after its request went to the network. The navigation's timing says whether a
  // worker answered it (workerStart is 0 when none did).
  var navigation = window.performance && performance.getEntriesByType
    ? performance.getEntriesByType("navigation")[0]
    : null;
  var fetchedByWorker = navigation
    ? navigation.workerStart > 0
    : Boolean(navigator.serviceWorker.controller);
  // A shared phone: the pages kept for the officer who was signed out for being idle are not
  // for whoever signs in next. Dropped when another user's page loads (drafts, keyed by
  // user, stay for their owner).
  var owner = null;
  try {
    owner = localStorage.getItem("mttq:pages-owner");
    localStorage.setItem("mttq:pages-owner", script.dataset.user || "");
  } catch (error) {
    // Storage refused: nothing to compare with.
  }
  var forgotten = Promise.resolve();
  if (owner && owner !== script.dataset.user && window.caches) {
    fetchedByWorker = false; // this page too may have come from a cache about to go
    forgotten = caches.keys().then(function (names) {
      return Promise.all(
        names
          .filter(function (name) {
            return name.indexOf("mttq-pages") === 0;
          })
          .map(function (name) {
            return caches.delete(name);
          })
      );
    });
  }
  forgotten
    .catch(function () {})
    .then(function () {
      return navigator.serviceWorker.register(script.dataset.serviceWorker, { scope: "/" });
    })
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
