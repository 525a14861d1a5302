// 驾驶舱 charts, drawn with the vendored ECharts from the JSON the page carries. Clicking a bar or a
// point opens the task list behind it (the same filters as the table's links).
(function () {
  "use strict";
  function init() {
    if (!window.echarts) { return; }
    var script = document.querySelector("script[data-task-list]");
    var taskList = script ? script.dataset.taskList : "/tasks/";
    var data = JSON.parse(document.getElementById("dashboard-data").textContent);
    var font = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';
    data.forEach(function (chart) {
      var el = document.getElementById("chart-" + chart.key);
      if (!el || !chart.rows.length) { return; }
      if (chart.key !== "trend") {
        // A bar per row: a long ranking (every lead unit of a district) grows instead of squeezing its bars.
        el.style.height = Math.max(el.clientHeight, 24 * chart.rows.length + 64) + "px";
      }
      var ec = echarts.init(el, null, { renderer: "svg" });
      var labels = chart.rows.map(function (r) { return String(r[0]); });
      var option;
      if (chart.key === "trend") {
        option = {
          textStyle: { fontFamily: font },
          tooltip: { trigger: "axis" },
          grid: { left: 48, right: 24, top: 24, bottom: 40 },
          xAxis: { type: "category", data: labels },
          yAxis: { type: "value", name: "完成率(%)", max: 100 },
          series: [{ type: "line", smooth: true, data: chart.rows.map(function (r) { return r[2]; }), areaStyle: {} }]
        };
      } else {
        // Rate charts show 完成率 (or 报送率); ranking charts (overdue counts, assessment totals) their first number.
        var rate = chart.columns.indexOf("完成率(%)");
        if (rate < 0) { rate = chart.columns.indexOf("报送率(%)"); }
        var col = rate >= 0 ? rate : 1;
        option = {
          textStyle: { fontFamily: font },
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          grid: { left: 8, right: 48, top: 16, bottom: 40, containLabel: true },
          xAxis: { type: "value", max: rate >= 0 ? 100 : null, minInterval: 1, name: chart.columns[col],
                   nameLocation: "middle", nameGap: 26 },
          yAxis: { type: "category", data: labels, inverse: true,
                   axisLabel: { width: 260, overflow: "truncate" } },
          series: [{ type: "bar", data: chart.rows.map(function (r) { return r[col]; }),
                     label: { show: true, position: "right", formatter: rate >= 0 ? "{c}%" : "{c}" },
                     itemStyle: { color: rate >= 0 ? "#1a7f37" :
                                  (chart.key.indexOf("assessment") === 0 ? "#1f5fa8" : "#b3261e") } }]
        };
      }
      ec.setOption(option);
      ec.on("click", function (params) {
        var link = chart.links[params.dataIndex];
        if (link) { window.location.href = link.charAt(0) === "/" ? link : taskList + link; }
      });
      window.addEventListener("resize", function () { ec.resize(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
