// The monthly entry form keeps a draft in the browser as the officer types (localStorage), so
// an idle logout, a crash or a lost connection loses nothing.
// - The draft's key names the user, the ward, the month and the report version the page
//   showed (the form's data-draft-* attributes): mttq:draft:<user>:<ward>:<yyyy-mm>:v<version>.
// - On load, a draft that differs from what the server shows is offered back in a banner:
//   "Khôi phục" fills the fields (and the version the draft started from, so the server's
//   version check still sees another save made meanwhile), "Bỏ bản nháp" drops it.
// - A save the server accepted (the page comes back with a newer version and no error)
//   drops the draft; a refused save or a conflict keeps it.
// - A save pressed offline is held (the draft keeps the figures) and sent again on the
//   `online` event, through the server's usual version check; a conflict keeps the draft.
// - Logging out drops every draft (static/js/portal-storage.js).
(function () {
  "use strict";

  var form = document.getElementById("entry-form");
  if (!form || !form.dataset.draftUser || !window.localStorage) {
    return;
  }

  var PENDING = "mttq:pending-save";
  var prefix = ["mttq:draft", form.dataset.draftUser, form.dataset.draftWard, form.dataset.draftPeriod].join(":") + ":";
  var shownVersion = parseInt(form.dataset.draftVersion, 10) || 0;
  var failed = form.hasAttribute("data-failed");

  function hidden(name) {
    return form.querySelector("input[type=hidden][name='" + name + "']");
  }

  function fields() {
    return Array.prototype.filter.call(
      form.querySelectorAll("input:not([type=hidden]):not([disabled]), textarea:not([disabled])"),
      function (field) {
        return field.id && !field.readOnly;
      }
    );
  }

  function current(field) {
    return field.type === "checkbox" || field.type === "radio" ? field.checked : field.value;
  }

  function shown(field) {
    return field.type === "checkbox" || field.type === "radio" ? field.defaultChecked : field.defaultValue;
  }

  function storedKeys() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(prefix) === 0) {
        keys.push(key);
      }
    }
    return keys;
  }

  function dropAll() {
    storedKeys().forEach(function (key) {
      localStorage.removeItem(key);
    });
  }

  function read() {
    var best = null;
    storedKeys().forEach(function (key) {
      try {
        var draft = JSON.parse(localStorage.getItem(key));
        if (draft && draft.fields && (!best || draft.savedAt > best.savedAt)) {
          best = draft;
        }
      } catch (error) {
        localStorage.removeItem(key);
      }
    });
    return best;
  }

  function differs(draft) {
    return fields().some(function (field) {
      return Object.prototype.hasOwnProperty.call(draft.fields, field.id) && draft.fields[field.id] !== shown(field);
    });
  }

  function write() {
    var values = {};
    var changed = false;
    fields().forEach(function (field) {
      values[field.id] = current(field);
      changed = changed || values[field.id] !== shown(field);
    });
    if (!changed && !failed) {
      dropAll();
      return;
    }
    var version = hidden("version");
    var openedAt = hidden("opened_at");
    var draft = {
      savedAt: Date.now(),
      version: version ? version.value : String(shownVersion),
      openedAt: openedAt ? openedAt.value : "",
      fields: values,
    };
    try {
      dropAll(); // one draft per user, ward and month: the latest
      localStorage.setItem(prefix + "v" + draft.version, JSON.stringify(draft));
    } catch (error) {
      // Storage full or refused: the page still works, without a draft.
    }
  }

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function when(ms) {
    var at = new Date(ms);
    return (
      pad(at.getHours()) + ":" + pad(at.getMinutes()) + " " +
      pad(at.getDate()) + "/" + pad(at.getMonth() + 1) + "/" + at.getFullYear()
    );
  }

  function restore(draft) {
    fields().forEach(function (field) {
      if (!Object.prototype.hasOwnProperty.call(draft.fields, field.id)) {
        return;
      }
      var value = draft.fields[field.id];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = value === true;
      } else {
        field.value = value;
        var folded = field.closest("details");
        if (folded && value !== field.defaultValue) {
          folded.open = true;
        }
      }
    });
    // The draft was typed against its own version: saving it is checked against that one.
    var version = hidden("version");
    var openedAt = hidden("opened_at");
    if (version && draft.version) {
      version.value = draft.version;
    }
    if (openedAt && draft.openedAt) {
      openedAt.value = draft.openedAt;
    }
    form.setAttribute("data-dirty", "");
    write();
  }

  function offer(draft) {
    var banner = document.createElement("div");
    banner.className = "alert alert-info d-flex flex-wrap align-items-center gap-2";
    banner.id = "draft-banner";
    banner.setAttribute("role", "status");
    var text = document.createElement("span");
    text.className = "me-auto";
    text.textContent = "Có bản nháp chưa lưu từ " + when(draft.savedAt);
    var restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "btn btn-primary btn-sm";
    restoreButton.textContent = "Khôi phục";
    var dropButton = document.createElement("button");
    dropButton.type = "button";
    dropButton.className = "btn btn-outline-secondary btn-sm";
    dropButton.textContent = "Bỏ bản nháp";
    banner.append(text, restoreButton, dropButton);
    restoreButton.addEventListener("click", function () {
      restore(draft);
      banner.remove();
      var first = form.querySelector("input:not([type=hidden]):not([disabled])");
      if (first) {
        first.focus({ preventScroll: true });
      }
    });
    dropButton.addEventListener("click", function () {
      dropAll();
      banner.remove();
    });
    form.parentNode.insertBefore(banner, form);
  }

  // What the last send of this form became.
  var pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(PENDING));
  } catch (error) {
    pending = null;
  }
  if (pending && pending.prefix === prefix) {
    sessionStorage.removeItem(PENDING);
    if (!failed && shownVersion > pending.version) {
      dropAll(); // saved: the server has it now
    }
  }

  var draft = read();
  if (draft && differs(draft)) {
    offer(draft);
  } else if (draft && !failed) {
    // The server shows the same figures. A refused save shows what was sent, so there the
    // draft stays until a save is accepted.
    dropAll();
  }

  // A save pressed offline: the draft keeps the figures, the save is sent again, as the
  // officer would, once the connection is back (the server's version check still applies).
  var queued = null;

  function offlineNotice() {
    var notice = document.getElementById("offline-notice");
    if (!notice) {
      notice = document.createElement("div");
      notice.id = "offline-notice";
      notice.className = "alert alert-warning";
      notice.setAttribute("role", "status");
      notice.textContent = "Đang ngoại tuyến: số liệu được giữ trên máy, sẽ lưu khi có mạng";
      form.parentNode.insertBefore(notice, form);
    }
    return notice;
  }

  window.addEventListener("online", function () {
    if (!queued) {
      return;
    }
    var submitter = queued.submitter;
    queued = null;
    offlineNotice().textContent = "Đã có mạng, đang lưu…";
    if (submitter && submitter.form === form) {
      form.requestSubmit(submitter);
    } else {
      form.requestSubmit();
    }
  });

  form.addEventListener("input", write);
  form.addEventListener("change", write);
  form.addEventListener("submit", function (event) {
    write();
    if (!navigator.onLine) {
      event.preventDefault(); // static/js/busy-forms.js leaves a prevented send alone
      queued = { submitter: event.submitter || null };
      offlineNotice().scrollIntoView({ block: "center" });
      return;
    }
    var version = hidden("version");
    try {
      sessionStorage.setItem(
        PENDING,
        JSON.stringify({ prefix: prefix, version: parseInt(version ? version.value : shownVersion, 10) || 0 })
      );
    } catch (error) {
      // No session storage: the draft is dropped once the server shows the same figures.
    }
  });
})();
