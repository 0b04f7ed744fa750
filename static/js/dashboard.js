/* Dashboard charts: data from <script type="application/json" id="dashboard-data">,
   one <canvas id="…"> per chart inside a .dashboard-chart box whose height the CSS sets per
   breakpoint (the chart fills it: maintainAspectRatio false). Vietnamese number format on
   axes and tooltips; a month without an approved figure is null and drawn as a gap
   (spanGaps false), lines are straight (tension 0); a horizontal ranking names every bar
   (no skipped labels), its long names wrapped over lines rather than cut. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var number = new Intl.NumberFormat("vi-VN");
  var compact = new Intl.NumberFormat("vi-VN", { notation: "compact", maximumFractionDigits: 1 });
  var COLOURS = ["#b3261e", "#5f6368", "#1565c0", "#2e7d32", "#b06000", "#6a1b9a"];
  var BAR_HEIGHT = 30; // px per bar of a horizontal ranking, its label included
  var LINE_LENGTH = 18; // characters of a wrapped category label

  function format(value, money) {
    return money ? number.format(value) + "\u00a0đ" : number.format(value);
  }

  function short(value, money) {
    // Axis ticks: "1,2 Tr" rather than "1.200.000 đ", so the axis leaves room for the bars.
    return money && Math.abs(value) >= 1000 ? compact.format(value) : number.format(value);
  }

  function wrap(label) {
    // Full names over two or three lines ("Phường Mỹ Thới" stays whole, never "Mỹ Thớ…").
    var words = String(label).split(" ");
    var lines = [];
    var line = "";
    words.forEach(function (word) {
      if (line && (line + " " + word).length > LINE_LENGTH) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) {
      lines.push(line);
    }
    return lines;
  }

  (data.charts || []).forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) {
      return;
    }
    var horizontal = Boolean(chart.horizontal);
    var box = canvas.parentElement;
    if (horizontal && box) {
      // Every bar gets its own row: the box grows with the number of units ranked.
      box.style.height = Math.max(chart.labels.length * BAR_HEIGHT + 60, 200) + "px";
    }
    var valueAxis = horizontal ? "x" : "y";
    var categoryAxis = horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      ticks: {
        maxTicksLimit: 6,
        callback: function (value) {
          return short(value, chart.money);
        }
      }
    };
    scales[categoryAxis] = {
      ticks: horizontal
        ? {
            autoSkip: false,
            callback: function (value) {
              return wrap(this.getLabelForValue(value));
            }
          }
        : { autoSkip: true, maxRotation: 0 }
    };
    canvas.chart = new Chart(canvas, {
      type: chart.type,
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (dataset, index) {
          var colour = COLOURS[index % COLOURS.length];
          return {
            label: dataset.label,
            data: dataset.data,
            backgroundColor: colour,
            borderColor: colour,
            tension: 0,
            spanGaps: false,
            pointRadius: 3
          };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales,
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length ? chart.labels[items[0].dataIndex] : "";
              },
              label: function (context) {
                var value = horizontal ? context.parsed.x : context.parsed.y;
                if (value === null || value === undefined) {
                  return context.dataset.label + ": chưa có số liệu đã duyệt";
                }
                return context.dataset.label + ": " + format(value, chart.money);
              }
            }
          }
        }
      }
    });
    canvas.dataset.ready = "1";
  });
})();
