// The reports' charts, drawn by Chart.js from the same numbers as the tables beside them.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var palette = ["#0b3d6e", "#3b78b5", "#b08d3c", "#2e8b57", "#8a5fb3", "#c0504d"];
  var ROOM_PER_ECONOMY = 36, ROOM_FOR_AXIS_AND_LEGEND = 90;  // CSS pixels
  function draw(canvas) {
    var kind = canvas.dataset.chart, config;
    if (kind === "funnel") {
      var names = {nominated: "Nominated", selected: "Selected", attended_all: "Attended all sessions", certified: "Certified"};
      // Bars across, one band per economy, the box as tall as the economies need: 21 names under
      // upright bars were skipped and slanted on a phone; written level down the side, each is read.
      canvas.parentNode.style.height = (data.funnel.labels.length * ROOM_PER_ECONOMY + ROOM_FOR_AXIS_AND_LEGEND) + "px";
      config = {type: "bar", data: {labels: data.funnel.labels, datasets: Object.keys(names).map(function (key, i) {
        return {label: names[key], data: data.funnel.series[key], backgroundColor: palette[i]};
      })}, options: {indexAxis: "y", responsive: true, maintainAspectRatio: false,
        scales: {y: {ticks: {autoSkip: false}}, x: {beginAtZero: true, ticks: {precision: 0}}},
        plugins: {legend: {position: "bottom"}}}};
    } else if (kind === "gender") {
      config = {type: "doughnut", data: {labels: data.gender.labels, datasets: [{data: data.gender.values, backgroundColor: palette}]},
        options: {responsive: true, maintainAspectRatio: false, plugins: {legend: {position: "bottom"}}}};
    }
    if (config && window.Chart) new window.Chart(canvas, config);
  }
  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
