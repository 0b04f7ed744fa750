/* Dashboard charts: data from <script type="application/json" id="dashboard-data">,
   one <canvas id="…"> per chart; Vietnamese number format on axes and tooltips. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var number = new Intl.NumberFormat("vi-VN");
  var COLOURS = ["#b3261e", "#9aa0a6", "#1565c0", "#2e7d32", "#f9a825", "#6a1b9a"];

  function format(value, money) {
    return money ? number.format(value) + "\u00a0đ" : number.format(value);
  }

  (data.charts || []).forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) {
      return;
    }
    var horizontal = Boolean(chart.horizontal);
    var valueAxis = horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      ticks: {
        callback: function (value) {
          return format(value, chart.money);
        }
      }
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
            tension: 0.2
          };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        animation: false,
        scales: scales,
        plugins: {
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = horizontal ? context.parsed.x : context.parsed.y;
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
