// The attendance register. Each cell is a button of the page's one marks form (attendance/register.html). With
// htmx, a click posts the cell for its next status and a key P, L, A or E on a focused cell posts that
// status; only the cell is swapped, and the focus stays on it so an officer can go down a column with the
// keyboard. Without JavaScript the button submits the form and the page comes back.
(function () {
  var KEYS = {p: "p", l: "l", a: "a", e: "e"};

  function mark(button, status) {
    var cell = button.closest("td"), id = cell.id;
    htmx.ajax("POST", button.form.action, {
      source: button.form, target: cell, swap: "outerHTML", values: {cell: button.value, status: status}
    }).then(function () {
      var again = document.querySelector("#" + id + " [data-mark-cell]");
      if (again) again.focus();
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-mark-cell]");
    if (!button || !window.htmx) return;
    event.preventDefault();
    mark(button, "next");
  });

  document.addEventListener("keydown", function (event) {
    var button = event.target.closest && event.target.closest("[data-mark-cell]");
    var status = KEYS[(event.key || "").toLowerCase()];
    if (!button || !status || !window.htmx || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    mark(button, status);
  });
})();
