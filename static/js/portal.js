// The navigation menu on a narrow screen: a button with data-portal-toggle="#id" shows and hides that element
// (Bootstrap's .collapse/.show classes), in place of Bootstrap's 80 KB script bundle.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-portal-toggle]");
    var target = button && document.querySelector(button.dataset.portalToggle);
    if (!target) return;
    var open = target.classList.toggle("show");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();

// The visitor's time zone (PRODUCT.md rule 13). Tell the portal in a cookie, so that the next pages come
// in it; and where the portal had to guess the zone for this page (no profile decided it: a new visitor,
// or one whose browser moved), rewrite the page's times into it now, so that the first page is right too.
// Times are <time datetime="…" data-format="…"> elements drawn by the `reader_time` template tag; their
// text, rendered by the server in the zone it names, stays as it is where this script does not run.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return; // an old browser: the server's zone, as labelled
  }
  if (!zone) return;
  if (document.cookie.split("; ").indexOf("tz=" + zone) === -1) {
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  }
  var root = document.documentElement;
  if (root.dataset.timeZoneFrom === "profile") return; // the person chose their zone: keep it

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];
  var DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var inZone = new Intl.DateTimeFormat("en-US", {
    timeZone: zone, year: "numeric", month: "numeric", day: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23"
  });

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The letters of Django's `date` filter that the portal's templates use, as Django prints them in English.
  function format(pattern, instant) {
    var p = {};
    inZone.formatToParts(instant).forEach(function (part) { p[part.type] = part.value; });
    var year = +p.year, month = +p.month, day = +p.day, hour = +p.hour % 24, minute = +p.minute;
    var weekday = DAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()];
    var letters = {
      j: day, d: pad(day), n: month, m: pad(month), F: MONTHS[month - 1], M: MONTHS[month - 1].slice(0, 3),
      Y: year, y: pad(year % 100), H: pad(hour), G: hour, i: pad(minute), l: weekday, D: weekday.slice(0, 3)
    };
    var out = "";
    for (var k = 0; k < pattern.length; k++) {
      var c = pattern.charAt(k);
      if (c === "\\") out += pattern.charAt(++k);
      else out += Object.prototype.hasOwnProperty.call(letters, c) ? letters[c] : c;
    }
    return out;
  }

  function rewrite(scope) {
    scope.querySelectorAll("time[datetime][data-format]").forEach(function (el) {
      var instant = new Date(el.getAttribute("datetime"));
      if (!isNaN(instant)) el.textContent = format(el.dataset.format, instant);
    });
    scope.querySelectorAll("[data-reader-zone]").forEach(function (el) { el.textContent = zone; });
    scope.querySelectorAll("[data-reader-label]").forEach(function (el) { el.textContent = "your time (" + zone + ")"; });
    scope.querySelectorAll("[data-project-time]").forEach(function (el) {
      el.hidden = el.dataset.projectZone === zone;
    });
  }

  if (root.dataset.timeZone !== zone) {
    root.dataset.timeZone = zone;
    rewrite(document);
  }
  // Parts that htmx swaps in were rendered with the cookie above; rewriting them again is harmless.
  document.addEventListener("htmx:load", function (event) { rewrite(event.target); });
})();

// A form marked data-portal-once is sent once: a second click while the first is on its way (a double click,
// or an impatient one on a slow link while the documents upload) does nothing, and its buttons are disabled.
// They are disabled just after the submit event, once the browser has read the form (a disabled button's name
// would be left out of what is sent). The server answers a repeat with the first one's result anyway (the
// form's one-time token); this spares the officer a second upload. Coming back to the page from the
// browser's history makes the form usable again.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-portal-once")) return;
    if (form.hasAttribute("data-portal-sent")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-portal-sent", "");
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-portal-sent]").forEach(function (form) {
      form.removeAttribute("data-portal-sent");
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = false; });
    });
  });
})();
