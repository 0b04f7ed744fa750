// Logging out leaves nothing of the user in the browser: the logout form (data-logout) first
// removes every key the portal kept in localStorage and sessionStorage (drafts of the entry
// form: "mttq:…") and the service worker's caches (pages the officer opened: "mttq-…"), then
// sends the form. An idle logout (the server ends the session) keeps the drafts, so they
// are offered again after the next login.
(function () {
  "use strict";

  function clearStorage(storage) {
    try {
      for (var i = storage.length - 1; i >= 0; i--) {
        var key = storage.key(i);
        if (key && key.indexOf("mttq:") === 0) {
          storage.removeItem(key);
        }
      }
    } catch (error) {
      // Storage refused (private mode): nothing was kept there.
    }
  }

  function clearCaches() {
    if (!window.caches) {
      return Promise.resolve();
    }
    return caches.keys().then(function (names) {
      return Promise.all(
        names
          .filter(function (name) {
            return name.indexOf("mttq-") === 0;
          })
          .map(function (name) {
            return caches.delete(name);
          })
      );
    });
  }

  window.mttqForget = function () {
    clearStorage(window.localStorage);
    clearStorage(window.sessionStorage);
    // Never hold the logout for long: a cache that does not answer within a second is
    // cleared again on the logged-out page.
    return Promise.race([
      clearCaches().catch(function () {}),
      new Promise(function (resolve) {
        setTimeout(resolve, 1000);
      }),
    ]);
  };

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-logout]") || form.dataset.forgotten) {
      return;
    }
    event.preventDefault();
    window.mttqForget().then(function () {
      form.dataset.forgotten = "1";
      form.submit();
    });
  });

  if (document.body && document.body.hasAttribute("data-logged-out")) {
    window.mttqForget();
  }
})();
