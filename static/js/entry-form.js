// The monthly entry form: errors lead to the cell, and typing is not lost by leaving.
// - After a refused save (the form carries data-failed) focus moves to the first refused
//   field (.is-invalid), else to the conflict with another save, else to the first field of a
//   row behind a broken rule, else to the error summary.
// - The summary's links move focus to their field, not only the view.
// - Leaving the page with changes not yet saved asks first (beforeunload); sending the form
//   does not. After a refused save everything typed is still unsaved, and so is a draft
//   restored from the browser (data-dirty, static/js/entry-draft.js).
(function () {
  "use strict";

  var form = document.getElementById("entry-form");
  if (!form) {
    return;
  }

  function focusField(field) {
    if (!field) {
      return false;
    }
    var folded = field.closest("details");
    if (folded) {
      folded.open = true; // an area's figure sits in a folded breakdown
    }
    field.focus({ preventScroll: true });
    field.scrollIntoView({ block: "center" });
    return document.activeElement === field;
  }

  function typeable(scope) {
    return scope && scope.querySelector("input:not([type=hidden]):not([disabled]), textarea:not([disabled])");
  }

  if (form.hasAttribute("data-failed")) {
    var first = form.querySelector(".is-invalid:not([disabled])");
    if (!focusField(first)) {
      // A conflict with another save, then a broken rule, then the summary.
      var box = document.getElementById("conflict");
      if (!box && !focusField(typeable(form.querySelector(".rule-error")))) {
        box = document.getElementById("error-summary");
      }
      if (box) {
        box.focus();
      }
    }
  }

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) {
        return;
      }
      var field = target.matches("input, textarea, select") ? target : typeable(target);
      if (field && !field.disabled) {
        event.preventDefault();
        focusField(field);
        history.replaceState(null, "", link.getAttribute("href"));
      }
    });
  }

  if (!form.hasAttribute("data-guard-unsaved")) {
    return;
  }

  // A refused save left what was typed on the page, unsaved.
  var unsaved = form.hasAttribute("data-failed");

  function changed() {
    if (unsaved || form.hasAttribute("data-dirty")) {
      return true;
    }
    var fields = form.querySelectorAll("input:not([type=hidden]), textarea");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) {
          return true;
        }
      } else if (field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  var sending = false;
  // At the document, after the form's own handlers: a send held back (offline, or a second
  // press) is no send.
  document.addEventListener("submit", function (event) {
    if (event.target === form && !event.defaultPrevented) {
      sending = true;
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      sending = false;
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (sending || !changed()) {
      return;
    }
    event.preventDefault();
    event.returnValue = "";
  });
})();
