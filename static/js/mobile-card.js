/* Kaikukortti mobile card: offline copy + live status.
 * - registers the service worker (network-first for this page, cached copy when offline);
 * - stores this page and its assets in the cache right away (the first load is not yet controlled);
 * - re-checks the card's status when the page is shown again and every minute: an inactivated card
 *   or a withdrawn link deletes the page's cached copy and reloads it, so the server's page says what happened;
 * - shows when the card was last checked (the page's own time when it came from the server, else the last successful
 *   status check, kept in localStorage), keeps the server's clock offset for the live code and tells holder-card.js
 *   ("kk:checked"). */
(function () {
  "use strict";
  var CACHE = "kaikukortti-mobile-v1";
  var root = document.getElementById("mobile-card");
  if (!root) return;
  var statusUrl = root.dataset.statusUrl;
  var pageUrl = location.href.split("#")[0];
  var CHECKED = "kk-checked:" + location.pathname;
  var OFFSET = "kk-clock-offset:" + location.pathname;

  function stored(key) {
    try { return Number(localStorage.getItem(key) || 0); } catch (e) { return 0; }
  }

  function store(key, value) {
    try { localStorage.setItem(key, String(value)); } catch (e) { /* private mode: the page's own time is used */ }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function showChecked(ms) {
    root.dataset.checkedAt = String(ms);
    var el = document.getElementById("last-checked");
    if (el) {
      var d = new Date(ms);
      el.textContent = d.getDate() + "." + (d.getMonth() + 1) + "." + d.getFullYear() + " " + pad(d.getHours()) + ":" +
        pad(d.getMinutes());
      el.setAttribute("datetime", d.toISOString());
    }
    document.dispatchEvent(new CustomEvent("kk:checked", { detail: ms }));
  }

  root.dataset.clockOffset = String(stored(OFFSET));
  showChecked(Math.max(Number(root.dataset.checkedAt || 0), stored(CHECKED)));

  function assets() {
    var urls = [pageUrl];
    document.querySelectorAll('link[rel="stylesheet"], script[src], link[rel="manifest"]').forEach(function (el) {
      urls.push(el.href || el.src);
    });
    return urls;
  }

  function forget() {
    if (!("caches" in window)) return Promise.resolve();
    return caches.open(CACHE).then(function (cache) {
      return cache.keys().then(function (requests) {  // the card in every language (?lang=), its manifest…
        return Promise.all(requests.filter(function (request) {
          return new URL(request.url).pathname.indexOf(location.pathname) === 0;
        }).map(function (request) { return cache.delete(request); }));
      });
    });
  }

  function showGone() {
    // The card was taken out of use or its link withdrawn: forget this phone's copy and show the server's own page,
    // which says which of the two it is and what to do.
    try { localStorage.removeItem(CHECKED); localStorage.removeItem(OFFSET); } catch (e) { /* nothing kept */ }
    var reload = function () { location.reload(); };
    forget().then(reload, reload);
  }

  function check() {
    if (!navigator.onLine) {
      root.querySelector(".offline-note").hidden = false;
      return;
    }
    fetch(statusUrl, { cache: "no-store", credentials: "omit" }).then(function (response) {
      root.querySelector(".offline-note").hidden = true;
      if (response.status === 410 || response.status === 404) { showGone(); return null; }
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data || !data.active) return;
      var now = Date.now();
      if (data.now) { root.dataset.clockOffset = String(data.now - now); store(OFFSET, data.now - now); }
      store(CHECKED, now);
      showChecked(now);
      if (data.version !== root.dataset.version) location.reload();
    }).catch(function () {
      var note = root.querySelector(".offline-note");
      if (note) note.hidden = false;
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: root.dataset.swScope }).catch(function () {});
  }
  if ("caches" in window && navigator.onLine) {
    caches.open(CACHE).then(function (cache) { return cache.addAll(assets()); }).catch(function () {});
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) check(); });
  window.addEventListener("online", check);
  window.addEventListener("offline", check);
  window.addEventListener("pageshow", function (event) { if (event.persisted) check(); });
  setInterval(check, 60000);
  check();
})();
