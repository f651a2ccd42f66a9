/* Kaikukortti mobile card: the live code (issue 14).
 * The phone computes the code itself, as an authenticator app does: HMAC-SHA-1 of the 30-second step with the card's
 * secret (Web Crypto), shown as a QR (qrcode-generator, vendored) and as six digits, on the server's clock (the
 * offset mobile-card.js keeps). So the code works offline, until the card has gone OFFLINE_DAYS without a successful
 * check: then it is hidden and a sentence says to connect (the card number still works). Without Web Crypto (an
 * insecure address) it fetches each code from live.json while online, as before. */
(function () {
  "use strict";
  var root = document.getElementById("mobile-card");
  var box = document.getElementById("live-card");
  if (!root || !box) return;
  var DAY_MS = 86400000;
  var note = document.getElementById("live-offline");
  var step = parseInt(box.dataset.step || "30", 10) * 1000;
  var days = parseInt(box.dataset.offlineDays || "7", 10);
  var local = !!(window.crypto && window.crypto.subtle && typeof window.qrcode === "function" && box.dataset.secret);
  var keyPromise = null;
  var timer = null;

  function now() { return Date.now() + Number(root.dataset.clockOffset || 0); }

  function tooLong() { return Date.now() - Number(root.dataset.checkedAt || 0) > days * DAY_MS; }

  function schedule(ms) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, Math.max(1000, ms));
  }

  function key() {
    if (!keyPromise) {
      var hex = box.dataset.secret;
      var bytes = new Uint8Array(hex.length / 2);
      for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
      keyPromise = crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
    }
    return keyPromise;
  }

  function code(counter) {
    var message = new DataView(new ArrayBuffer(8));
    message.setUint32(0, Math.floor(counter / 4294967296));
    message.setUint32(4, counter >>> 0);
    return key().then(function (k) { return crypto.subtle.sign("HMAC", k, message.buffer); }).then(function (sig) {
      var d = new Uint8Array(sig);
      var o = d[d.length - 1] & 15;
      var value = ((d[o] & 0x7f) * 16777216 + d[o + 1] * 65536 + d[o + 2] * 256 + d[o + 3]) % 1000000;
      return ("000000" + value).slice(-6);
    });
  }

  function qrSvg(text) {
    var qr = window.qrcode(0, "M");
    qr.addData(text, /^[0-9A-Z $%*+\-./:]*$/.test(text) ? "Alphanumeric" : "Byte");
    qr.make();
    var n = qr.getModuleCount();
    var border = 2;
    var d = [];
    for (var r = 0; r < n; r++) {
      for (var c = 0; c < n; c++) {
        if (qr.isDark(r, c)) d.push("M" + (c + border) + " " + (r + border) + "h1v1h-1z");
      }
    }
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    var size = n + 2 * border;
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    svg.setAttribute("class", "qr");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("shape-rendering", "crispEdges");
    var background = document.createElementNS(ns, "rect");
    background.setAttribute("width", size);
    background.setAttribute("height", size);
    background.setAttribute("fill", "#fff");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", d.join(""));
    path.setAttribute("fill", "#000");
    svg.appendChild(background);
    svg.appendChild(path);
    return svg;
  }

  function show(value, svg) {
    document.getElementById("live-qr").replaceChildren(svg);
    document.getElementById("live-code").textContent = value;
    box.dataset.code = value;
  }

  function hide(hidden) {
    box.hidden = hidden;
    if (note) note.hidden = !hidden;
  }

  function tickLocal() {
    if (tooLong()) { hide(true); schedule(60000); return; }
    var t = now();
    code(Math.floor(t / step)).then(function (value) {
      hide(false);
      show(value, qrSvg(box.dataset.prefix + value));
    }).catch(function () { local = false; tickServer(); });
    schedule(step - (t % step) + 100);
  }

  function tickServer() {
    if (!navigator.onLine) { box.hidden = true; schedule(30000); return; }
    fetch(box.dataset.liveUrl, { cache: "no-store", credentials: "omit" }).then(function (response) {
      if (response.status === 410 || response.status === 404) { box.remove(); return null; }
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data && data.active) {
        var svg = new DOMParser().parseFromString(data.svg, "image/svg+xml").documentElement;
        box.hidden = false;
        show(data.code, document.importNode(svg, true));
        schedule(data.seconds_left * 1000 + 200);
      } else if (data === null && document.body.contains(box)) schedule(30000);
    }).catch(function () { box.hidden = true; schedule(30000); });
  }

  function tick() {
    if (local) tickLocal(); else tickServer();
  }

  document.addEventListener("visibilitychange", function () { if (!document.hidden) tick(); });
  document.addEventListener("kk:checked", tick);
  if (local) tick();
  else {
    if (!navigator.onLine) box.hidden = true;
    schedule(parseInt(box.dataset.seconds || "30", 10) * 1000 + 200);
  }
})();
