// Copy buttons: <button data-copy="text">; says "Đã sao chép" on the button and to screen readers.
(function () {
  "use strict";
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    area.remove();
    return copied;
  }
  function announce(button, copied) {
    var status = document.querySelector("[data-copy-status]");
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = copied ? "Đã sao chép" : "Hãy chọn và sao chép";
    if (status) { status.textContent = copied ? "Đã sao chép " + button.dataset.copy : ""; }
    window.setTimeout(function () { button.textContent = label; }, 2000);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var text = button.dataset.copy;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { announce(button, true); },
        function () { announce(button, fallbackCopy(text)); }
      );
    } else {
      announce(button, fallbackCopy(text));
    }
  });
})();
