// 报告措辞: insert a blank (chip) at the cursor, and fill the frame with the sample facts as it is typed.
// The server checks the frame again on saving; this is only the live preview.
(function () {
  "use strict";
  var BLANK = /\u3010([^\u3010\u3011]*)\u3011/g;
  var WIDE = { ",": "\uff0c", ";": "\uff1b", ":": "\uff1a", "(": "\uff08", ")": "\uff09", "?": "\uff1f", "!": "\uff01" };

  function esc(s) {
    return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function wide(s) { return s.replace(/[,;:()?!]/g, function (c) { return WIDE[c]; }); }

  function render(section) {
    var text = section.querySelector("[data-frame-text]");
    var preview = section.querySelector("[data-frame-preview]");
    var warning = section.querySelector("[data-frame-warning]");
    var sample = JSON.parse(section.querySelector("script[type='application/json']").textContent);
    var unknown = [];
    var src = text.value.replace(/\s*\n\s*/g, "");
    var html = "", last = 0, m;
    BLANK.lastIndex = 0;
    while ((m = BLANK.exec(src)) !== null) {
      html += esc(wide(src.slice(last, m.index)));
      if (Object.prototype.hasOwnProperty.call(sample, m[1])) {
        html += '<span class="filled">' + esc(wide(sample[m[1]])) + "</span>";
      } else {
        unknown.push(m[0]);
        html += '<span class="unknown">' + esc(m[0]) + "</span>";
      }
      last = BLANK.lastIndex;
    }
    html += esc(wide(src.slice(last)));
    preview.innerHTML = html;
    warning.textContent = unknown.length
      ? "没有这些空位:" + unknown.join("、") + "。可用的空位:" + Object.keys(sample).map(function (n) { return "\u3010" + n + "\u3011"; }).join("、")
      : "";
  }

  function insert(textarea, chip) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, v = textarea.value;
    textarea.value = v.slice(0, start) + chip + v.slice(end);
    textarea.focus();
    textarea.selectionStart = textarea.selectionEnd = start + chip.length;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("section[data-wording]").forEach(function (section) {
      var text = section.querySelector("[data-frame-text]");
      if (!text || text.readOnly) return;
      text.addEventListener("input", function () { render(section); });
      section.querySelectorAll("button.chip").forEach(function (button) {
        button.addEventListener("click", function () {
          insert(text, "\u3010" + button.dataset.blank + "\u3011");
          render(section);
        });
      });
    });
  });
})();
