// Behaviour the pages used to carry in inline on*= attributes, which the Content-Security-Policy forbids
// (lawgov/security.py): a form or button with data-confirm="…" asks first; a select with data-autosubmit
// submits its form when changed; a checkbox with data-select-all="x" ticks every data-select-item="x". Delegated from the document, so content htmx swaps in works too.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
      if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
    }
    if (field.matches && field.matches("input[data-select-all]")) {
      var items = document.querySelectorAll('input[data-select-item="' + field.dataset.selectAll + '"]');
      for (var i = 0; i < items.length; i++) { items[i].checked = field.checked; }
    }
  });
})();
