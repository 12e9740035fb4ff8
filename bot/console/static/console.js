// Live updates: the server streams changes to handoffs; the queue page
// redraws its list, a conversation page its transcript. Forms are left
// alone, so nothing typed is lost.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.EventSource) { return; }
  var status = document.getElementById("status");
  var watching = live.getAttribute("data-live");
  var busy = false, again = false;

  function redraw() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        if (fresh) { live.replaceWith(fresh); live = fresh; }
        if (status) { status.textContent = "Updated " + new Date().toLocaleTimeString(); }
      })
      .catch(function () { if (status) { status.textContent = "This conversation has ended or moved. Reload the page."; } })
      .finally(function () { busy = false; if (again) { again = false; redraw(); } });
  }

  var events = new EventSource("/console/events");
  events.addEventListener("change", function (e) {
    var handle = String(e.data).split(" ")[0];
    if (watching === "queue" || watching === handle) { redraw(); }
  });
  events.onerror = function () { if (status) { status.textContent = "Reconnecting for live updates..."; } };
  events.onopen = function () { if (status) { status.textContent = "Live"; } };
}());
