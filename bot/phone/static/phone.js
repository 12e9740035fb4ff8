// The simulator: texts go to the real webhook as Twilio would send them;
// the TwiML reply and anything the line sends later show in the thread.
(function () {
  "use strict";
  var number = document.getElementById("number");
  var thread = document.getElementById("thread");
  var body = document.getElementById("body");
  var threads = {}; // number -> [{from, text}]
  var seen = {};    // number -> last inbox message read

  function made() { return "+1555" + String(Math.floor(Math.random() * 1e7)).padStart(7, "0"); }

  function show() {
    thread.textContent = "";
    (threads[number.value] || []).forEach(function (m) {
      var li = document.createElement("li");
      li.className = m.from;
      li.textContent = m.text;
      thread.appendChild(li);
    });
    thread.scrollTop = thread.scrollHeight;
  }

  function add(num, from, text) {
    (threads[num] = threads[num] || []).push({ from: from, text: text });
    if (num === number.value) { show(); }
  }

  function sid() {
    var hex = "";
    for (var i = 0; i < 32; i++) { hex += Math.floor(Math.random() * 16).toString(16); }
    return "SM" + hex;
  }

  document.getElementById("compose").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = body.value, num = number.value;
    if (!text || !number.checkValidity()) { return; }
    body.value = "";
    add(num, "me", text);
    var form = new URLSearchParams({ MessageSid: sid(), From: num, To: "+15005550006", Body: text, NumMedia: "0" });
    fetch("/twilio/sms", { method: "POST", body: form })
      .then(function (r) { return r.text(); })
      .then(function (xml) {
        var doc = new DOMParser().parseFromString(xml, "text/xml");
        Array.prototype.forEach.call(doc.getElementsByTagName("Message"), function (m) { add(num, "line", m.textContent); });
      })
      .catch(function () { add(num, "line", "(the line did not answer)"); });
  });

  document.getElementById("another").addEventListener("click", function () {
    number.value = made();
    show();
    body.focus();
  });
  number.addEventListener("change", show);

  function poll() {
    var num = number.value;
    fetch("/phone/inbox?number=" + encodeURIComponent(num) + "&after=" + (seen[num] || 0))
      .then(function (r) { return r.json(); })
      .then(function (list) {
        list.forEach(function (m) { seen[num] = m.n; add(num, "line", m.text); });
      })
      .catch(function () {})
      .finally(function () { setTimeout(poll, 1000); });
  }

  number.value = made();
  poll();
}());
