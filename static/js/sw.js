/* The counter's service worker (issue 11): keeps the signed-in staff member's counter page and its scripts and
 * styles, so that the page opens when the network is down (static/js/counter-offline.js then logs uses without
 * checking). Served from /venues/counter/sw.js (counter.views.worker), so it controls the counter's pages only.
 *
 * One rule: network first, the cached copy only when the network fails. Only GETs of our own origin, only
 * answers that are the thing itself (200); posts (checks, logs) are never touched.
 * Privacy: the copy is one person's page. A redirect (signed out: to the sign-in page) or a refusal empties the
 * cache, and every page shown without a signed-in user empties it too (static/js/kaikukanta.js).
 */
"use strict";

var CACHE = "kaikukanta-counter-v1";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("kaikukanta-counter") === 0 && name !== CACHE;  // an older version's copy
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

/* The first visit happened before this worker was there: the page sends the addresses it used (itself, its
 * scripts and styles), to be kept now. */
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(Promise.all(urls.map(function (url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) { return keep(new Request(url), response); })
      .catch(function () { return null; });
  })));
});

function keep(request, response) {
  if (response.status === 200 && response.type === "basic") {
    var copy = response.clone();
    return caches.open(CACHE).then(function (cache) { return cache.put(request, copy); }).then(function () { return response; });
  }
  if (response.type === "opaqueredirect" || response.redirected || response.status === 401 || response.status === 403) {
    return caches.delete(CACHE).then(function () { return response; });  // signed out, or no longer staff here
  }
  return Promise.resolve(response);  // an error page (the server down behind its proxy): keep the old copy
}

function fromCache(request, response) {
  return caches.open(CACHE).then(function (cache) {
    // One copy per address: not per language or cookie (Vary), which the browser's own request may not show.
    return cache.match(request, { ignoreSearch: request.mode === "navigate", ignoreVary: true });
  }).then(function (cached) {
    if (cached) { return cached; }
    if (response) { return response; }
    return Response.error();
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.status >= 502 && response.status <= 504) { return fromCache(request, response); }
    return keep(request, response);
  }, function () {
    return fromCache(request, null);
  }));
});
