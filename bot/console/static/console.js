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
      .then(function (r) {
        if (r.redirected) { return Promise.reject("Signed out: reload the page to sign in."); }
        if (r.status === 404) { return Promise.reject("This conversation has ended."); }
        return r.ok ? r.text() : Promise.reject("Could not update: reload the page.");
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        if (!fresh) { return Promise.reject("Could not update: reload the page."); }
        var focused = document.activeElement && document.activeElement.getAttribute("href");
        live.replaceWith(fresh);
        live = fresh;
        if (focused) {
          var again = live.querySelector('a[href="' + focused + '"]');
          if (again) { again.focus(); }
        }
        if (status) { status.textContent = "Updated " + new Date().toLocaleTimeString(); }
      })
      .catch(function (why) { if (status) { status.textContent = String(why); } })
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
