/* lawgov unit picker: a multi-select search over the unit directory (plans:unit-search), no library.
   Markup: templates/plans/_unit_picker.html. Each picked unit is a chip holding a hidden input named after
   the picker (lead, cooperating, ...), so the surrounding form posts the ids as a plain list. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function setup(root) {
    var name = root.dataset.name;
    var url = root.dataset.searchUrl;
    var input = root.querySelector("[data-picker-input]");
    var results = root.querySelector("[data-picker-results]");
    var chips = root.querySelector("[data-chips]");
    var form = input.form || document.getElementById("bulk-form");
    var active = -1;
    var latest = 0;

    function picked() {
      return Array.prototype.map.call(chips.querySelectorAll("[data-unit-id]"), function (li) { return li.dataset.unitId; });
    }

    function close() {
      results.hidden = true;
      results.innerHTML = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
    }

    function addChip(unit) {
      if (picked().indexOf(String(unit.id)) !== -1) { return; }
      var li = document.createElement("li");
      li.className = "chip" + (unit.is_group ? " group" : "");
      li.dataset.unitId = unit.id;
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = unit.id;
      hidden.setAttribute("form", form ? form.id : "bulk-form");
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", "去掉" + unit.name);
      remove.textContent = "×";
      li.appendChild(hidden);
      li.appendChild(document.createTextNode(unit.name));
      li.appendChild(remove);
      chips.appendChild(li);
    }

    function choose(option) {
      addChip({ id: option.dataset.unitId, name: option.dataset.unitName, is_group: option.dataset.group === "1" });
      input.value = "";
      close();
      input.focus();
    }

    function highlight(index) {
      var options = results.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      Array.prototype.forEach.call(options, function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      options[active].scrollIntoView({ block: "nearest" });
    }

    function render(units) {
      results.innerHTML = "";
      var chosen = picked();
      var shown = units.filter(function (u) { return chosen.indexOf(String(u.id)) === -1; });
      if (!shown.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = "没有找到匹配的单位";
        results.appendChild(none);
      }
      shown.forEach(function (u) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.dataset.unitId = u.id;
        li.dataset.unitName = u.name;
        li.dataset.group = u.is_group ? "1" : "0";
        var strong = document.createElement("strong");
        strong.textContent = u.name;
        li.appendChild(strong);
        var hint = document.createElement("small");
        hint.className = "muted";
        hint.textContent = " " + u.kind_label + (u.reason ? " · " + u.reason : "");
        li.appendChild(hint);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
        results.appendChild(li);
      });
      results.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      if (shown.length) { highlight(0); }
    }

    var search = debounce(function () {
      var q = input.value.trim();
      if (!q) { close(); return; }
      var ticket = ++latest;
      fetch(url + "&q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (ticket === latest) { render(data.results || []); } })
        .catch(function () { if (ticket === latest) { render([]); } });
    }, 120);

    input.addEventListener("input", search);
    input.addEventListener("focus", function () { if (input.value.trim()) { search(); } });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Enter") {
        // Enter picks the highlighted unit; it never submits the bulk form by accident.
        e.preventDefault();
        var options = results.querySelectorAll("[role=option]");
        if (!results.hidden && options[active]) { choose(options[active]); }
      } else if (e.key === "Escape") { close(); }
    });
    chips.addEventListener("click", function (e) {
      var button = e.target.closest(".chip-remove");
      if (button) { button.closest(".chip").remove(); input.focus(); }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-unit-picker]"), setup);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
