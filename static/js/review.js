// The review's bulk bar: say how many nominations are chosen. "All N matching" ticks every row shown and
// says N (the server takes every nomination the filters leave, on every page); unticking a row leaves
// "all matching". Without this script the boxes work as they are and the server counts on its confirmation.
(function () {
  "use strict";

  function update(form) {
    var all = form.querySelector("#all-matching");
    var rows = form.querySelectorAll('input[name="nominations"]');
    var label = form.querySelector("[data-selected-count]");
    if (!all || !label) return;
    var ticked = 0;
    rows.forEach(function (box) { if (box.checked) ticked += 1; });
    var count = all.checked ? Number(all.dataset.total) : ticked;
    label.textContent = count + " selected";
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-bulk-form]");
    if (!form) return;
    var all = form.querySelector("#all-matching");
    if (event.target === all) {
      form.querySelectorAll('input[name="nominations"]').forEach(function (box) { box.checked = all.checked; });
    } else if (event.target.name === "nominations" && !event.target.checked && all) {
      all.checked = false;
    }
    update(form);
  });

  function start() {
    document.querySelectorAll("form[data-bulk-form]").forEach(update);
  }
  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:afterSettle", start);
})();
