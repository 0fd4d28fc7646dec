// The reports' charts, drawn by Chart.js from the same numbers as the tables beside them.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var palette = ["#0b3d6e", "#3b78b5", "#b08d3c", "#2e8b57", "#8a5fb3", "#c0504d"];
  function draw(canvas) {
    var kind = canvas.dataset.chart, config;
    if (kind === "funnel") {
      var names = {nominated: "Nominated", selected: "Selected", attended_all: "Attended all sessions", certified: "Certified"};
      config = {type: "bar", data: {labels: data.funnel.labels, datasets: Object.keys(names).map(function (key, i) {
        return {label: names[key], data: data.funnel.series[key], backgroundColor: palette[i]};
      })}, options: {responsive: true, maintainAspectRatio: false, plugins: {legend: {position: "bottom"}}}};
    } else if (kind === "gender") {
      config = {type: "doughnut", data: {labels: data.gender.labels, datasets: [{data: data.gender.values, backgroundColor: palette}]},
        options: {responsive: true, maintainAspectRatio: false, plugins: {legend: {position: "bottom"}}}};
    }
    if (config && window.Chart) new window.Chart(canvas, config);
  }
  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
