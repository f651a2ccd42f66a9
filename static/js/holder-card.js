/* Kaikukortti mobile card: the live code (issue 14). Fetches a fresh code, QR and short number from the card's
 * live.json when the current one runs out (every 30 seconds) and when the page is shown again; a withdrawn or
 * ended card (410) removes the code. */
(function () {
  "use strict";
  var box = document.getElementById("live-card");
  if (!box) return;
  var url = box.dataset.liveUrl;
  var timer = null;

  function schedule(seconds) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, Math.max(1, seconds) * 1000 + 200);
  }

  function show(data) {
    var svg = new DOMParser().parseFromString(data.svg, "image/svg+xml").documentElement;
    var figure = document.getElementById("live-qr");
    figure.replaceChildren(document.importNode(svg, true));
    document.getElementById("live-code").textContent = data.code;
    box.dataset.code = data.code;
    schedule(data.seconds_left);
  }

  function refresh() {
    if (!navigator.onLine) { box.hidden = true; schedule(30); return; }
    fetch(url, { cache: "no-store", credentials: "omit" }).then(function (response) {
      if (response.status === 410 || response.status === 404) { box.remove(); return null; }
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data && data.active) { box.hidden = false; show(data); }
      else if (data === null && document.body.contains(box)) schedule(30);
    }).catch(function () { box.hidden = true; schedule(30); });
  }

  if (!navigator.onLine) box.hidden = true;
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
  schedule(parseInt(box.dataset.seconds || "30", 10));
})();
