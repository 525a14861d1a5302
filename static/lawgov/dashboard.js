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
      // A phone (375 px): each bar gets its label above it across the whole width instead of a 260 px column
      // beside it, and the value axis a few ticks, so neither bars nor numbers are squeezed.
      var narrow = el.clientWidth < 560;
      if (chart.key !== "trend") {
        // A bar per row: a long ranking (every lead unit of a district) grows instead of squeezing its bars.
        el.style.height = Math.max(el.clientHeight, (narrow ? 44 : 24) * chart.rows.length + 64) + "px";
      }
      var ec = echarts.init(el, null, { renderer: "svg" });
      var labels = chart.rows.map(function (r) { return String(r[0]); });
      var option;
      if (chart.key === "trend") {
        option = {
          textStyle: { fontFamily: font },
          tooltip: { trigger: "axis" },
          grid: { left: 48, right: narrow ? 12 : 24, top: 24, bottom: 40 },
          xAxis: { type: "category", data: labels, axisLabel: { hideOverlap: true } },
          yAxis: { type: "value", name: "完成率(%)", max: 100, interval: narrow ? 25 : null },
          series: [{ type: "line", smooth: true, data: chart.rows.map(function (r) { return r[2]; }), areaStyle: {} }]
        };
      } else {
        // Rate charts show 完成率 (or 报送率); ranking charts (overdue counts, assessment totals) their first
        // number; a chart with series (the warnings) stacks its columns, coloured as the badges.
        var rate = chart.columns.indexOf("完成率(%)");
        if (rate < 0) { rate = chart.columns.indexOf("报送率(%)"); }
        var col = rate >= 0 ? rate : 1;
        var stacks = chart.series || [];
        var series;
        if (stacks.length) {
          series = stacks.map(function (s) {
            return { type: "bar", stack: "total", name: s.name, barMaxWidth: narrow ? 14 : 18,
                     data: chart.rows.map(function (r) { return r[s.column]; }),
                     itemStyle: { color: s.color, borderColor: s.border || s.color, borderWidth: s.border ? 1 : 0 },
                     label: { show: true, position: "inside", color: s.border ? "#5d4300" : "#fff",
                              formatter: function (p) { return p.value ? String(p.value) : ""; } } };
          });
        } else {
          series = [{ type: "bar", data: chart.rows.map(function (r) { return r[col]; }), barMaxWidth: narrow ? 14 : null,
                      label: { show: true, position: "right", formatter: rate >= 0 ? "{c}%" : "{c}" },
                      itemStyle: { color: rate >= 0 ? "#1a7f37" :
                                   (chart.key.indexOf("assessment") === 0 ? "#1f5fa8" : "#b3261e") } }];
        }
        var yLabel = narrow
          ? { inside: true, verticalAlign: "bottom", padding: [0, 0, 9, 0], color: "#1f2328",
              width: Math.max(el.clientWidth - 24, 120), overflow: "truncate" }
          : { width: 260, overflow: "truncate" };
        option = {
          textStyle: { fontFamily: font },
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
          legend: stacks.length ? { top: 0 } : undefined,
          grid: { left: 8, right: narrow ? 36 : 48, top: stacks.length ? 36 : (narrow ? 24 : 16), bottom: 40,
                  containLabel: !narrow },
          xAxis: { type: "value", max: rate >= 0 && !stacks.length ? 100 : null, minInterval: 1,
                   splitNumber: narrow ? 2 : 5, axisLabel: { hideOverlap: true },
                   name: stacks.length ? "预警任务数" : chart.columns[col], nameLocation: "middle", nameGap: 26 },
          yAxis: { type: "category", data: labels, inverse: true, axisTick: { show: !narrow },
                   axisLabel: yLabel, z: 10 },
          series: series
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
