/* lawgov plan tree: select whole sections, count the selection, keep the in-place task editor's refusals
   (400) on screen. The selection is plain checkboxes of the bulk form (form="bulk-form"): without this
   script every task can still be ticked one by one. */
(function () {
  "use strict";

  function boxes(scope) { return Array.prototype.slice.call((scope || document).querySelectorAll("[data-task-check]")); }

  function refresh() {
    var n = boxes().filter(function (b) { return b.checked; }).length;
    var counter = document.querySelector("[data-selected-count]");
    if (counter) { counter.textContent = "已选 " + n + " 项任务"; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-select-section]"), function (s) {
      var mine = boxes(s.closest("[data-section]"));
      var on = mine.filter(function (b) { return b.checked; }).length;
      s.checked = mine.length > 0 && on === mine.length;
      s.indeterminate = on > 0 && on < mine.length;
    });
  }

  function init() {
    document.addEventListener("change", function (e) {
      if (e.target.matches("[data-select-section]")) {
        boxes(e.target.closest("[data-section]")).forEach(function (b) { b.checked = e.target.checked; });
      }
      if (e.target.matches("[data-select-section], [data-task-check]")) { refresh(); }
    });
    var form = document.getElementById("bulk-form");
    if (form) {
      form.addEventListener("submit", function (e) {
        if (!boxes().some(function (b) { return b.checked; })) {
          e.preventDefault();
          alert("请先勾选要批量处理的任务。");
        }
      });
    }
    // The in-place editor answers a refusal with its form and status 400: show it instead of dropping it.
    document.body.addEventListener("htmx:beforeSwap", function (e) {
      if (e.detail.xhr.status === 400 && e.detail.requestConfig.elt.closest("[data-task-edit]")) {
        e.detail.shouldSwap = true;
        e.detail.isError = false;
      }
    });
    refresh();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
