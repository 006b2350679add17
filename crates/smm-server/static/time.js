// Shows every <time datetime> of the page in the reader's own time zone and language. The
// server writes the same moment in UTC, so the page reads correctly without this script too.
(function () {
  "use strict";
  if (typeof Intl === "undefined" || !Intl.DateTimeFormat) { return; }
  var format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  var times = document.querySelectorAll("time[datetime]");
  for (var i = 0; i < times.length; i++) {
    var el = times[i];
    var at = new Date(el.getAttribute("datetime"));
    if (isNaN(at.getTime()) || el.getAttribute("datetime").length < 11) { continue; }
    el.title = el.textContent;
    el.textContent = format.format(at);
  }
})();
