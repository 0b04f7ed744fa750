// Donation and disbursement forms: show only the fields of the chosen kind, money or goods.
// The hidden group is disabled too, so what it holds is not sent; without this script both
// groups show and the server refuses a field of the other kind.
(function () {
  "use strict";
  var select = document.querySelector("select[name='form']");
  var groups = document.querySelectorAll("fieldset[data-gift-form]");
  if (!select || !groups.length) {
    return;
  }
  function show() {
    groups.forEach(function (group) {
      var chosen = group.getAttribute("data-gift-form") === select.value;
      group.hidden = !chosen;
      group.disabled = !chosen;
    });
  }
  select.addEventListener("change", show);
  show();
})();
