// The attendance register: keys P, L, A, E on a focused cell set that status through htmx, and the
// focus stays on the cell so an officer can go down a column with the keyboard.
document.addEventListener("keydown", function (event) {
  var cell = event.target.closest && event.target.closest("[data-mark-cell]");
  var status = {p: "p", l: "l", a: "a", e: "e"}[(event.key || "").toLowerCase()];
  if (!cell || !status || event.ctrlKey || event.metaKey || event.altKey) return;
  event.preventDefault();
  var form = cell.form, id = form.closest("td").id;
  htmx.ajax("POST", form.action, {source: form, target: "#" + id, swap: "outerHTML", values: {status: status}})
    .then(function () {
      var again = document.querySelector("#" + id + " [data-mark-cell]");
      if (again) again.focus();
    });
});
