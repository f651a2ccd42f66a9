/* Kaikukortti mobile card service worker, served from /cards/m/sw.js (scope /cards/m/).
 * Card pages (everything under the scope) and their status: network first, so an inactivated card shows at once; the cached copy
 * is only a fallback offline. A 404/410 answer deletes the cached copy. Static assets: cache first. */
"use strict";
var CACHE = "kaikukortti-mobile-v1";
var ASSETS = /*ASSETS*/[];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }).catch(function () {})
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    var copy = response.clone();
    if (response.ok) {
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    } else if (response.status === 404 || response.status === 410) {
      caches.open(CACHE).then(function (cache) { cache.delete(request); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreSearch: true, ignoreVary: true }).then(function (cached) {
      return cached || new Response("Ei verkkoyhteyttä – Ingen nätförbindelse – Offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (cached) {
    return cached || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.href.indexOf(self.registration.scope) === 0) {
    if (/status\.json$/.test(url.pathname)) return; // always live; the page handles failures
    event.respondWith(networkFirst(request));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  }
});
