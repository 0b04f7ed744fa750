// Buttons show that work is under way and cannot be pressed twice: a form marked data-busy,
// once sent, disables its submit buttons and shows a spinner with the pressed button's
// data-busy-text ("Đang lưu…"). The pressed button's name and value still go with the form
// (a disabled button is left out of what a form sends, so a hidden copy carries them). The
// server refuses a repeated request on its own (versions, one-time tokens); this only spares
// the officer the second click. A page restored from the back-forward cache is usable again.
(function () {
  "use strict";

  function busy(form, submitter) {
    if (submitter && submitter.name) {
      var copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = submitter.name;
      copy.value = submitter.value;
      copy.dataset.busyCopy = "1";
      form.appendChild(copy);
    }
    form.dataset.busySent = "1";
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(
      function (button) {
        var isInput = button.tagName === "INPUT";
        button.dataset.busyLabel = isInput ? button.value : button.innerHTML;
        button.disabled = true;
        if (button !== submitter) {
          return;
        }
        var text = button.dataset.busyText || "Đang xử lý…";
        if (isInput) {
          button.value = text; // an input shows no spinner, only its text
          return;
        }
        button.innerHTML =
          '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>';
        button.appendChild(document.createTextNode(text));
      }
    );
  }

  function reset(form) {
    delete form.dataset.busySent;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("[data-busy-copy]").forEach(function (copy) {
      copy.remove();
    });
    form.querySelectorAll("[data-busy-label]").forEach(function (button) {
      if (button.tagName === "INPUT") {
        button.value = button.dataset.busyLabel;
      } else {
        button.innerHTML = button.dataset.busyLabel;
      }
      delete button.dataset.busyLabel;
      button.disabled = false;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-busy]") || event.defaultPrevented) {
      return;
    }
    if (form.dataset.busySent) {
      event.preventDefault();
      return;
    }
    busy(form, event.submitter);
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-busy-sent]").forEach(reset);
    }
  });
})();
