/* A small rich text editor for narrative text: paragraphs, bold, italic, bulleted and
   numbered lists. It enhances every <textarea data-richtext>: the textarea is hidden and kept
   in sync with a contenteditable area; without JavaScript the textarea works on its own.
   The server cleans whatever arrives (reports/documents/richtext.py), so this is comfort,
   not a safety measure. */
(function () {
  "use strict";

  var BUTTONS = [
    { command: "bold", text: "B", label: "In đậm (Ctrl+B)", className: "fw-bold" },
    { command: "italic", text: "I", label: "In nghiêng (Ctrl+I)", className: "fst-italic" },
    { command: "insertUnorderedList", text: "• Gạch đầu dòng", label: "Danh sách gạch đầu dòng" },
    { command: "insertOrderedList", text: "1. Đánh số", label: "Danh sách đánh số" }
  ];
  var STATEFUL = { bold: true, italic: true, insertUnorderedList: true, insertOrderedList: true };

  function button(spec, editor, sync) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-sm btn-outline-secondary " + (spec.className || "");
    element.textContent = spec.text;
    element.title = spec.label;
    element.setAttribute("aria-label", spec.label);
    element.setAttribute("aria-pressed", "false");
    element.dataset.command = spec.command;
    // Keep the selection in the text when the button is pressed with the mouse.
    element.addEventListener("mousedown", function (event) { event.preventDefault(); });
    element.addEventListener("click", function () {
      editor.focus();
      document.execCommand(spec.command, false, null);
      sync();
    });
    return element;
  }

  function enhance(textarea) {
    if (textarea.dataset.richtextReady) {
      return;
    }
    textarea.dataset.richtextReady = "1";

    var wrapper = document.createElement("div");
    wrapper.className = "richtext border rounded";
    var toolbar = document.createElement("div");
    toolbar.className = "richtext-toolbar d-flex flex-wrap gap-1 p-1 border-bottom bg-light";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Định dạng đoạn văn");
    var editor = document.createElement("div");
    editor.className = "richtext-editor form-control border-0";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.dataset.placeholder = "Viết nội dung ở đây…";
    if (textarea.getAttribute("aria-describedby")) {
      editor.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    }
    if (textarea.classList.contains("is-invalid")) {
      wrapper.classList.add("border-danger");
      editor.setAttribute("aria-invalid", "true");
    }
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      label.id = label.id || textarea.id + "-label";
      editor.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { editor.focus(); });
    }
    // The textarea holds HTML the server has already cleaned (or the user's own typing).
    editor.innerHTML = textarea.value;

    function sync() {
      textarea.value = editor.innerHTML;
      updateState();
    }
    function updateState() {
      toolbar.querySelectorAll("button").forEach(function (element) {
        var command = element.dataset.command;
        if (STATEFUL[command] && document.activeElement === editor) {
          var pressed = document.queryCommandState(command);
          element.setAttribute("aria-pressed", String(pressed));
          element.classList.toggle("active", pressed);
        }
      });
    }

    BUTTONS.forEach(function (spec) { toolbar.appendChild(button(spec, editor, sync)); });
    editor.addEventListener("input", sync);
    editor.addEventListener("blur", sync);
    editor.addEventListener("keyup", updateState);
    editor.addEventListener("mouseup", updateState);
    editor.addEventListener("focus", function () {
      // New paragraphs as <p>, not <div>, when Enter is pressed.
      document.execCommand("defaultParagraphSeparator", false, "p");
    });
    var form = textarea.form;
    if (form) {
      form.addEventListener("submit", sync, true);
      form.addEventListener("htmx:configRequest", function (event) {
        event.detail.parameters[textarea.name] = editor.innerHTML;
      });
    }

    wrapper.appendChild(toolbar);
    wrapper.appendChild(editor);
    textarea.parentNode.insertBefore(wrapper, textarea);
    textarea.hidden = true;
    if (textarea.hasAttribute("autofocus")) {
      editor.focus();
    }
  }

  function init(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("textarea[data-richtext]")) {
      enhance(scope);
    }
    scope.querySelectorAll("textarea[data-richtext]").forEach(enhance);
  }

  if (window.htmx) {
    window.htmx.onLoad(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
