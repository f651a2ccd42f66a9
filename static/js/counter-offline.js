/* The counter without a network (issue 11). Cards cannot be checked offline, so the page says so (a banner and a
 * spoken alert) and offers "log without checking". Each such use is kept in this browser (IndexedDB) with a fresh
 * idempotency key, the venue and the time it was taken, and sent to the counter's log (counter.views.log) when the
 * connection returns: on the online event, on every page load, and again after a growing pause while the server
 * does not answer. The key is the guarantee against a double use: the server logs one use per key and venue and
 * answers a repeated sending with the same use. A use taken on an earlier day lands on that day (a late entry).
 * A use the server refuses (an expired card, say) stays listed with its reason until marked resolved.
 * A log that got no answer because the network dropped is kept the same way, with the key it was sent with
 * (counter.js asks with the "counter:unreachable" event). The service worker (static/js/sw.js) keeps the page
 * itself available offline. Texts: the data-msg-* attributes of templates/counter/_offline.html.
 */
(function () {
  "use strict";

  var box = document.getElementById("offline");
  var root = document.getElementById("counter");
  if (!box || !root || !window.indexedDB || !window.fetch || !window.FormData || !window.crypto) { return; }

  var msg = box.dataset;
  var banner = document.getElementById("offline-banner");
  var form = document.getElementById("offline-form");
  var numberField = document.getElementById("offline_number");
  var errorBox = document.getElementById("offline-error");
  var statusBox = document.getElementById("offline-status");
  var alertBox = document.getElementById("offline-alert");
  var waitingBox = document.getElementById("offline-waiting");
  var refusedBox = document.getElementById("offline-refused");
  var checkForm = document.getElementById("check-form");
  var checkNumber = checkForm.querySelector("input[name=number]");

  var offline = false;  // the banner is up: checks are not tried, uses are kept
  var syncing = false;
  var retryTimer = null;
  var pause = 0;  // ms before the next try; doubles up to five minutes

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? String(values[name]) : all; });
  }

  // --- card numbers (cards/numbers.py: the check character is verified here too, so a typo is caught offline) ---

  var ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

  function extractNumber(raw) {  // a QR code holds the bare number or a URL ending in it (as counter.js)
    var text = (raw || "").trim();
    if (text.indexOf("/") !== -1) {
      var parts = text.split("#")[0].split("?")[0].split("/").filter(function (part) { return part.length > 0; });
      text = parts.length ? decodeURIComponent(parts[parts.length - 1]) : "";
    }
    return text.trim().replace(/[ \t\r\n-]/g, "").replace(/[a-z]/g, function (ch) { return ch.toUpperCase(); });
  }

  function isValidNumber(number) {
    if (number.length !== 9) { return false; }
    var sum = 0;
    for (var i = 0; i < number.length; i += 1) {
      var value = ALPHABET.indexOf(number.charAt(i));
      if (value === -1) { return false; }
      sum += (i + 1) * value;
    }
    return sum % ALPHABET.length === 0;
  }

  function mask(number) {  // ABC-•••-GHJ, as the counter shows every number (cards.numbers.mask)
    return number.slice(0, 3) + "-•••-" + number.slice(-3);
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // --- the queue in IndexedDB: one record per use, keyed by its idempotency key ------------------------------

  var dbPromise = null;

  function database() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = window.indexedDB.open("kaikukanta-counter", 1);
        request.onupgradeneeded = function () { request.result.createObjectStore("uses", { keyPath: "key" }); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function withStore(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("uses", mode);
        var request = work(tx.objectStore("uses"));
        tx.oncomplete = function () { resolve(request.result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  /* This person's uses (a shared tablet: another person's wait for them to sign in), oldest first. */
  function myUses() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (uses) {
      return uses.filter(function (use) { return String(use.user) === msg.user; })
        .sort(function (a, b) { return a.taken_at < b.taken_at ? -1 : 1; });
    });
  }

  function putUse(use) { return withStore("readwrite", function (store) { return store.put(use); }); }
  function deleteUse(key) { return withStore("readwrite", function (store) { return store.delete(key); }); }

  // --- the lists on the page --------------------------------------------------------------------------------

  function describe(use) {
    var parts = [use.kind === "course" ? msg.msgCourse : msg.msgTicket];
    if (use.group_size) { parts.push(msg.msgGroup + ": " + use.group_size); }
    if (Number(use.children)) { parts.push(msg.msgChildren + ": " + use.children); }
    if (use.offer_title) { parts.push(use.offer_title); }
    return parts.join(", ");
  }

  function when(iso) {
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined,
        { dateStyle: "short", timeStyle: "short" }).format(new Date(iso));
    } catch (error) { return iso; }
  }

  function item(use) {
    var li = document.getElementById("tpl-offline-item").content.firstElementChild.cloneNode(true);
    li.dataset.key = use.key;
    var number = li.querySelector(".number");
    number.textContent = mask(use.number);
    number.id = "offline-" + use.key;
    li.querySelector(".item-use").textContent = describe(use);
    var time = li.querySelector(".item-time");
    time.dateTime = use.taken_at;
    time.textContent = when(use.taken_at);
    var reason = li.querySelector(".item-reason");
    var button = li.querySelector(".item-resolve");
    if (use.state === "refused") {
      reason.textContent = use.message;
      reason.id = "offline-reason-" + use.key;
      button.setAttribute("aria-describedby", number.id + " " + reason.id);
    } else {
      reason.remove();
      button.remove();
    }
    return li;
  }

  function showList(section, uses) {
    var list = section.querySelector("ul");
    list.replaceChildren.apply(list, uses.map(item));
    section.querySelector(".count").textContent = String(uses.length);
    section.hidden = uses.length === 0;
  }

  function render() {
    return myUses().then(function (uses) {
      var waiting = uses.filter(function (use) { return use.state !== "refused"; });
      var refused = uses.filter(function (use) { return use.state === "refused"; });
      showList(waitingBox, waiting);
      showList(refusedBox, refused);
      box.hidden = !offline && uses.length === 0;
      return uses;
    });
  }

  refusedBox.addEventListener("click", function (event) {
    var button = event.target.closest(".item-resolve");
    if (!button) { return; }
    var li = button.closest("li");
    var next = li.nextElementSibling || li.previousElementSibling;
    deleteUse(li.dataset.key).then(render).then(function () {
      var target = next && next.isConnected ? next.querySelector(".item-resolve") : null;
      (target || checkNumber).focus();
    });
  });

  // --- offline and back -------------------------------------------------------------------------------------

  function goOffline() {
    if (offline) { return; }
    offline = true;
    banner.hidden = false;
    box.hidden = false;
    alertBox.textContent = msg.msgOffline;
  }

  function goOnline() {
    if (!offline) { return; }
    offline = false;
    var hadFocus = banner.contains(document.activeElement);
    banner.hidden = true;
    alertBox.textContent = msg.msgOnline;
    errorBox.textContent = "";
    if (hadFocus) { checkNumber.focus(); }
    render();
  }

  function scheduleRetry() {
    window.clearTimeout(retryTimer);
    pause = Math.min(pause ? pause * 2 : 2000, 300000);
    retryTimer = window.setTimeout(attempt, pause * (0.8 + Math.random() * 0.4));
  }

  function attempt() {
    window.clearTimeout(retryTimer);
    if (navigator.onLine === false) { goOffline(); return; }  // the online event tries again
    sync();
  }

  window.addEventListener("offline", goOffline);
  window.addEventListener("online", function () { pause = 0; attempt(); });

  // --- sending ------------------------------------------------------------------------------------------------

  function csrfToken() {
    var cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return cookie ? decodeURIComponent(cookie[1]) : checkForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  function refuse(use, data) {
    use.state = "refused";
    use.code = data.code || "";
    use.message = data.message || data.detail || msg.msgNotAccepted;
    return putUse(use).then(function () { return "refused"; });
  }

  /* One use to the counter's log: "sent", "refused" (kept to resolve), "retry" (no answer) or "signin". */
  function send(use) {
    var body = new FormData();
    var fields = {
      number: use.number, idempotency_key: use.key, kind: use.kind, children: use.children, offer: use.offer,
      taken_at: use.taken_at, venue: use.venue,
      confirm_repeat: "1"  // a repeat use the same day: the staff member already decided at the counter
    };
    if (use.group_size) { fields.community = "1"; fields.group_size = use.group_size; }
    Object.keys(fields).forEach(function (name) { body.append(name, fields[name]); });
    var token = csrfToken();
    body.append("csrfmiddlewaretoken", token);
    return fetch(msg.logUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      if ((response.headers.get("Content-Type") || "").indexOf("application/json") === -1) {
        if (response.redirected || response.status === 403) { return "signin"; }  // signed out, or a stale token
        if (response.status >= 500) { return "retry"; }
        return refuse(use, {});
      }
      return response.json().then(function (data) {
        if (data.ok) {
          root.dispatchEvent(new CustomEvent("counter:logged", { detail: data }));  // a line in today's log
          return deleteUse(use.key).then(function () { return "sent"; });
        }
        if (response.status === 429 || response.status >= 500) { return "retry"; }  // throttled: later
        return refuse(use, data);
      });
    }, function () { return "retry"; });
  }

  function probe() {  // nothing to send while the banner is up: is the server there again?
    return fetch(msg.workerUrl, { method: "HEAD", cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? "done" : "retry"; }, function () { return "retry"; });
  }

  function sync() {
    if (syncing) { return; }
    syncing = true;
    var sent = 0;
    var refused = 0;
    myUses().then(function (uses) {
      var waiting = uses.filter(function (use) { return use.state !== "refused"; });
      if (!waiting.length) { return offline ? probe() : "done"; }
      var next = function (i) {
        if (i >= waiting.length) { return "done"; }
        return send(waiting[i]).then(function (outcome) {
          if (outcome === "sent") { sent += 1; } else if (outcome === "refused") { refused += 1; } else { return outcome; }
          return next(i + 1);
        });
      };
      return next(0);
    }).then(function (outcome) {
      syncing = false;
      var said = [];
      if (sent) { said.push(fill(msg.msgSent, { n: sent })); }
      if (refused) { said.push(fill(msg.msgRefused, { n: refused })); }
      if (outcome === "retry") {
        goOffline();
        scheduleRetry();
        if (sent || refused || !waitingBox.hidden) { said.push(msg.msgRetry); }
      } else {
        pause = 0;
        goOnline();
        if (outcome === "signin") { said.push(msg.msgSignin); }
      }
      if (said.length) { statusBox.textContent = said.join(" "); }
      return render();
    }).catch(function () {
      syncing = false;
      scheduleRetry();
    });
  }

  // --- logging without checking ----------------------------------------------------------------------------

  function defaultKind() {
    var offer = form.querySelector("select[name=offer]");
    var option = offer && offer.options[offer.selectedIndex];
    var kind = option && option.dataset.kind ? option.dataset.kind : (form.dataset.coursesFirst === "1" ? "course" : "");
    var radio = form.querySelector("input[name=kind][value=" + (kind === "course" ? "course" : "ticket") + "]");
    if (radio) { radio.checked = true; }
  }

  function resetForm() {
    form.reset();  // today's offer as chosen in the header, no children
    defaultKind();
    errorBox.textContent = "";
    numberField.removeAttribute("aria-invalid");
  }

  function numberError(text) {
    errorBox.textContent = text;
    numberField.setAttribute("aria-invalid", "true");
    numberField.focus();
    numberField.select();
  }

  /* The number typed (or scanned) into the check field: into this form, the focus on its button (one more Enter
   * logs it, as online); a mistyped number is said at once. */
  function takeOver(raw) {
    resetForm();
    var number = extractNumber(raw);
    numberField.value = number;
    if (!number) { numberField.focus(); return; }
    if (!isValidNumber(number)) { numberError(msg.msgMistyped); return; }
    form.querySelector("button[type=submit]").focus();
  }

  function keep(use) {
    use.user = msg.user;
    use.venue = msg.venue;
    use.taken_at = new Date().toISOString();
    use.state = "waiting";
    return putUse(use).then(function () {
      statusBox.textContent = fill(msg.msgKept, { use: describe(use), number: mask(use.number) });
      return render();
    }, function () {
      statusBox.textContent = msg.msgNotKept;
      throw new Error("not kept");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var number = extractNumber(numberField.value);
    if (!number) { numberError(msg.msgRequired); return; }
    if (!isValidNumber(number)) { numberError(msg.msgMistyped); return; }
    var data = new FormData(form);
    var offer = form.querySelector("select[name=offer]");
    keep({
      key: newKey(), number: number, kind: data.get("kind") || "ticket", children: data.get("children") || "0",
      group_size: data.get("group_size") || "", offer: data.get("offer") || "",
      offer_title: offer && offer.value ? offer.options[offer.selectedIndex].text : ""
    }).then(function () {
      resetForm();
      checkNumber.value = "";
      checkNumber.focus();
      if (!offline) { attempt(); }
    }, function () {});
  });

  form.addEventListener("change", function (event) {
    if (event.target.name === "offer") { defaultKind(); }  // a course offer is a course place, and back
  });

  form.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {  // skip this card, as online
      event.preventDefault();
      resetForm();
      checkNumber.value = "";
      checkNumber.focus();
    }
  });

  /* Offline, Enter in the check field does not try the network: the number goes to "log without checking". */
  document.addEventListener("submit", function (event) {
    if (event.target !== checkForm) { return; }
    if (navigator.onLine === false) { goOffline(); }
    if (!offline) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();  // counter.js's check does not run
    takeOver(checkNumber.value);
  }, true);

  /* counter.js got no answer: a check (take the number over) or a log (keep it, with the key it was sent with). */
  root.addEventListener("counter:unreachable", function (event) {
    event.preventDefault();
    goOffline();
    scheduleRetry();
    var logForm = event.detail && event.detail.form;
    if (!logForm) { takeOver(event.detail ? event.detail.number : ""); return; }
    var data = new FormData(logForm);
    var offer = logForm.querySelector("select[name=offer]");
    keep({
      key: data.get("idempotency_key") || newKey(), number: extractNumber(data.get("number")),
      kind: data.get("kind") || "ticket", children: data.get("children") || "0",
      group_size: data.get("group_size") || "", offer: data.get("offer") || "",
      offer_title: offer && offer.value ? offer.options[offer.selectedIndex].text : ""
    }).catch(function () {});
  });

  // --- the service worker: this page and its files, for the next visit without a network ----------------------

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(msg.workerUrl, { scope: msg.scope }).then(function () {
      if (navigator.serviceWorker.controller) { return null; }  // it saw this visit: already kept
      return navigator.serviceWorker.ready.then(function (registration) {
        var files = Array.prototype.map.call(document.querySelectorAll("script[src], link[rel=stylesheet][href]"),
          function (element) { return element.src || element.href; });
        registration.active.postMessage({ keep: [msg.scope].concat(files) });
      });
    }).catch(function () {});
  }

  // --- on load: what is waiting goes now, what was refused is listed -----------------------------------------

  resetForm();
  render().then(function () {
    if (navigator.onLine === false) { goOffline(); } else { attempt(); }
  });
}());
