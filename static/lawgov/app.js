// Behaviour the pages used to carry in inline on*= attributes, which the Content-Security-Policy forbids
// (lawgov/security.py): a form or button with data-confirm="…" asks first; a select with data-autosubmit
// submits its form when changed; a checkbox with data-select-all="x" ticks every data-select-item="x".
// Delegated from the document, so content htmx swaps in works too.
// Also, once for every page: the phone menu (data-menu-toggle), the 管理 dropdown (data-dropdown), the print
// header's title, and forms checked with our own Chinese messages beside the fields instead of the browser's
// tooltip (forms become novalidate; the first error is scrolled to and focused, after a server answer too).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // --- forms: our messages beside the fields -----------------------------------------------------------
  function messageFor(field) {
    var v = field.validity;
    if (v.valueMissing) {
      if (field.type === "file") { return "请选择要上传的文件。"; }
      if (field.tagName === "SELECT" || field.type === "radio" || field.type === "checkbox") { return "请选择一项。"; }
      return "请填写此项。";
    }
    if (v.typeMismatch) { return field.type === "email" ? "请填写有效的电子邮箱。" : "格式不正确。"; }
    if (v.tooShort) { return "至少需要 " + field.minLength + " 个字符。"; }
    if (v.tooLong) { return "最多 " + field.maxLength + " 个字符。"; }
    // A day or a time is early or late, not small or large.
    var when = /^(date|time|datetime-local|month|week)$/.test(field.type);
    if (v.rangeUnderflow) { return (when ? "不能早于 " : "不能小于 ") + field.min + "。"; }
    if (v.rangeOverflow) { return (when ? "不能晚于 " : "不能大于 ") + field.max + "。"; }
    if (v.stepMismatch) { return "请填写有效的数值。"; }
    if (v.badInput) { return field.type === "number" ? "请填写数字。" : "格式不正确。"; }
    if (v.patternMismatch) { return field.title || "格式不正确。"; }
    return field.validationMessage || "请检查此项。";
  }

  function clearError(field) {
    field.removeAttribute("aria-invalid");
    var id = field.getAttribute("data-error-id");
    var note = id && document.getElementById(id);
    if (note) { note.remove(); }
    field.removeAttribute("data-error-id");
  }

  var errorCount = 0;
  function showError(field, text) {
    clearError(field);
    errorCount += 1;
    var note = document.createElement("span");
    note.className = "field-error";
    note.id = "field-error-" + errorCount;
    note.setAttribute("role", "alert");
    note.textContent = text;
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("data-error-id", note.id);
    field.setAttribute("aria-describedby", note.id);
    // Beside the field: after it, or after its label when the field sits inside one.
    var anchor = field.closest("label") || field;
    anchor.insertAdjacentElement("afterend", note);
  }

  function focusFirst(element) {
    if (!element) { return; }
    element.scrollIntoView({ block: "center" });
    if (typeof element.focus === "function") { element.focus({ preventScroll: true }); }
  }

  function prepareForms(root) {
    (root || document).querySelectorAll("form").forEach(function (form) { form.noValidate = true; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (button && button.formNoValidate) { return; }
    var invalid = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.willValidate) { return; }
      if (field.checkValidity()) { clearError(field); } else { invalid.push(field); }
    });
    if (invalid.length) {
      event.preventDefault();
      event.stopImmediatePropagation();
      invalid.forEach(function (field) { showError(field, messageFor(field)); });
      focusFirst(invalid[0]);
    }
  }, true);
  // A field put right clears its message as the person types.
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.getAttribute && field.getAttribute("aria-invalid") === "true" && field.checkValidity()) { clearError(field); }
  });
  document.addEventListener("htmx:afterSwap", function (event) { prepareForms(event.target); });

  // --- data-confirm, data-autosubmit ---------------------------------------------------------------------
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

  // --- header: the phone menu and the 管理 dropdown ----------------------------------------------------
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-menu-toggle]");
    if (toggle) {
      var menu = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = !menu.classList.contains("open");
      menu.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.textContent = open ? "收起菜单" : "菜单";
      return;
    }
    // A click elsewhere closes an open dropdown, as menus do.
    document.querySelectorAll("details[data-dropdown][open]").forEach(function (details) {
      if (!details.contains(event.target)) { details.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details[data-dropdown][open]").forEach(function (details) {
      details.removeAttribute("open");
      details.querySelector("summary").focus();
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    prepareForms(document);
    var title = document.querySelector("[data-print-title]");
    if (title) { title.textContent = document.title.replace(/ · lawgov$/, ""); }
    // After the server refused a form: its first error in view, the field focused.
    var error = document.querySelector("main .errorlist, main [aria-invalid=true], main .field-error, main [data-field-error]");
    if (error) {
      var scope = error.closest("label, p, div, li, td") || error.parentElement;
      var field = (error.matches("input, select, textarea") && error) ||
        (scope && scope.querySelector("input:not([type=hidden]), select, textarea")) ||
        (error.nextElementSibling && error.nextElementSibling.matches("input, select, textarea") && error.nextElementSibling);
      focusFirst(field || error);
    }
  });
})();
