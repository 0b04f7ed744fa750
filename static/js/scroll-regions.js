// Wide tables scroll sideways inside their own box (.table-responsive) on a phone. A box that
// scrolls must be reachable by keyboard (WCAG 2.1.1; axe-core "scrollable-region-focusable"):
// each one that overflows becomes a focusable, named region, so arrow keys scroll it. Boxes
// that fit gain no tab stop. Run on load, after htmx swaps and when the window is resized.
(function () {
  "use strict";

  function nameOf(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim();
    }
    var section = box.closest("section");
    var heading = section && section.querySelector("h1, h2, h3, h4");
    return heading ? heading.textContent.trim() : "Bảng";
  }

  function mark(box) {
    var overflows = box.scrollWidth > box.clientWidth + 1;
    if (overflows && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", nameOf(box) + " (cuộn ngang để xem hết bảng)");
      box.dataset.scrollRegion = "1";
    } else if (!overflows && box.dataset.scrollRegion) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollRegion;
    }
  }

  function markAll() {
    document.querySelectorAll(".table-responsive").forEach(mark);
  }

  var pending = null;
  function markSoon() {
    window.clearTimeout(pending);
    pending = window.setTimeout(markAll, 150);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markAll);
  } else {
    markAll();
  }
  window.addEventListener("resize", markSoon);
  document.body.addEventListener("htmx:afterSettle", markSoon);
})();
