/* The venue counter, progressively enhanced: Enter checks a card with a fetch (no reload), the answer
 * (data only) fills the panel and the log form the page carries as <template> elements, one more Enter
 * logs the ticket, and focus returns to the number field for the next card. A "Scan with camera" button reads the card's QR code with the browser's
 * BarcodeDetector, or with the vendored barcode-detector ponyfill (zxing-wasm) where there is none.
 * Without JavaScript the same forms post normally. */
(function () {
  "use strict";

  var root = document.getElementById("counter");
  if (!root || !window.fetch || !window.FormData) { return; }

  var checkForm = document.getElementById("check-form");
  var numberInput = checkForm.querySelector("input[name=number]");
  var statusBox = document.getElementById("result-status");
  var actionsBox = document.getElementById("result-actions");
  var confirmation = document.getElementById("log-confirmation");
  var todayRows = document.getElementById("today-rows");
  var todayEmpty = document.getElementById("today-empty");
  var busy = false;

  function csrfToken() {
    return checkForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  /* A QR code holds the bare number or a URL ending in it. */
  function extractNumber(raw) {
    var text = (raw || "").trim();
    if (text.indexOf("/") !== -1) {
      var path = text.split("#")[0].split("?")[0];
      var parts = path.split("/").filter(function (part) { return part.length > 0; });
      text = parts.length ? decodeURIComponent(parts[parts.length - 1]) : "";
    }
    return text.trim();
  }

  /* The form's fields, and the name/value of the button that sent it (the repeat warning's "Log again"). */
  function post(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name && submitter.form === form) { body.append(submitter.name, submitter.value); }
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        // Signed out (session expired) or a CSRF failure: the full page knows what to do.
        window.location.reload();
        return new Promise(function () {});
      }
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    });
  }

  function focusNumber(clear) {
    if (clear) { numberInput.value = ""; }
    numberInput.focus();
    if (!clear) { numberInput.select(); }
  }

  function clearResult() {
    statusBox.innerHTML = "";
    actionsBox.innerHTML = "";
  }

  function showNetworkError() {
    statusBox.classList.remove("pending");
    statusBox.innerHTML = "";
    var p = document.createElement("p");
    p.className = "check-panel is-refused reason";
    p.textContent = root.dataset.msgNetwork;
    statusBox.appendChild(p);
    busy = false;
    focusNumber(false);
  }

  function fromTemplate(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  var ICONS = { valid: "\u2713", refused: "\u2717", throttled: "\u23F8", mistyped: "\u270E" };

  /* The valid/refused panel: colour, icon and words, the reason in plain words, the card's facts. */
  function renderPanel(data) {
    var state = data.valid ? "valid" : (data.throttled ? "throttled" : (data.mistyped ? "mistyped" : "refused"));
    var panel = fromTemplate("tpl-result");
    panel.classList.add("is-" + state);
    panel.dataset.valid = data.valid ? "true" : "false";
    panel.dataset.code = data.code || "";
    panel.querySelector(".icon").textContent = ICONS[state];
    panel.querySelector(".verdict-text").textContent = root.dataset["msg" + state.charAt(0).toUpperCase() + state.slice(1)];
    var reason = panel.querySelector(".reason");
    if (data.valid) { reason.remove(); } else { reason.textContent = data.message || ""; }
    var advice = panel.querySelector(".advice");
    if (data.valid || !data.advice) { advice.remove(); } else { advice.querySelector(".advice-text").textContent = data.advice; }
    panel.querySelectorAll("[data-field]").forEach(function (group) {
      var name = group.dataset.field;
      var value = data[name];
      var wrongKind = group.dataset.kind && group.dataset.kind !== data.kind;
      if ((name === "children_allowed" && (!data.valid || wrongKind || data.course_default)) || value === null || value === undefined ||
          value === "") {
        group.remove();
        return;
      }
      group.querySelector("dd").textContent = String(value);
    });
    var repeatNote = panel.querySelector(".repeat-note");
    if (repeatNote && data.valid && data.repeat && data.repeat.length) {
      fillRepeat(repeatNote.querySelector(".repeat-list"), data.repeat);
    } else if (repeatNote) {
      repeatNote.remove();
    }
    statusBox.replaceChildren(panel);
  }

  /* The log form for this card: the number and a fresh idempotency key, today's offers with places left. */
  function renderLogForm(log, defaults) {
    var form = fromTemplate(log.community ? "tpl-log-community" : "tpl-log-personal");
    form.querySelector("input[name=number]").value = log.number;
    form.querySelector("input[name=idempotency_key]").value = log.idempotency_key;
    var select = form.querySelector("select[name=offer]");
    if (select) {
      while (select.options.length > 1) { select.remove(1); }
      log.offers.forEach(function (offer) {
        var option = new Option(offer.label, String(offer.id));
        option.dataset.kind = offer.kind;
        select.add(option);
      });
      select.closest(".offer-field").hidden = log.offers.length === 0;
      select.value = defaults.offer ? String(defaults.offer) : "";  // today's chosen offer
    }
    var radio = form.querySelector("input[name=kind][value=" + (defaults.kind === "course" ? "course" : "ticket") + "]");
    if (radio) { radio.checked = true; }
    var button = form.querySelector(".log-button");
    if (button && !log.community) {
      button.textContent = defaults.kind === "course" ? root.dataset.msgLogCourse : root.dataset.msgLogTicket;
    }
    actionsBox.replaceChildren(form);
    return form;
  }

  /* A new first line of today's log, with its own cancel form. */
  function addTodayRow(row) {
    if (!todayRows) { return; }
    var tr = fromTemplate("tpl-today-row");
    tr.id = "use-" + row.id;
    tr.querySelector(".row-time").textContent = row.time;
    tr.querySelectorAll(".row-visit").forEach(function (el) { if (!row.visit_on) { el.remove(); } });
    var visit = tr.querySelector("small.row-visit");
    if (visit) { visit.textContent = row.visit_on; }
    tr.querySelector(".number").textContent = row.number;
    tr.querySelector(".row-use").textContent = row.use;
    tr.querySelectorAll(".row-offer").forEach(function (el) { if (!row.offer) { el.remove(); } });
    var offer = tr.querySelector("small.row-offer");
    if (offer) { offer.textContent = row.offer; }
    tr.querySelector(".row-children").textContent = String(row.children);
    var form = tr.querySelector("form");
    form.action = row.cancel_url;
    var input = form.querySelector("input[type=text]");
    input.name = "cancel-" + row.id + "-reason";
    input.id = "id_cancel-" + row.id + "-reason";
    form.querySelector("label").htmlFor = input.id;
    todayRows.insertBefore(tr, todayRows.firstChild);
    if (todayEmpty) { todayEmpty.hidden = true; }
  }

  /* No answer from the server: static/js/counter-offline.js takes over (log without checking) when it cancels this
   * event; it also adds the uses it sends later to today's log ("counter:logged"). */
  function unreachable(detail) {
    return !root.dispatchEvent(new CustomEvent("counter:unreachable", { cancelable: true, detail: detail }));
  }

  root.addEventListener("counter:logged", function (event) {
    if (event.detail.row) { addTodayRow(event.detail.row); }
    updatePlacesLeft(event.detail);
  });

  // --- check ---------------------------------------------------------------------------------

  checkForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    var number = extractNumber(numberInput.value);
    if (!number) { focusNumber(true); return; }
    numberInput.value = number;
    busy = true;
    confirmation.textContent = "";
    statusBox.classList.add("pending");
    post(checkForm).then(function (answer) {
      busy = false;
      statusBox.classList.remove("pending");
      var data = answer.data;
      renderPanel(data);
      actionsBox.innerHTML = "";
      var logForm = data.valid && data.log ? renderLogForm(data.log, data.log_defaults || {}) : null;
      if (logForm) {
        var target = logForm.dataset.community === "1"
          ? logForm.querySelector("input[name=group_size]")
          : logForm.querySelector(".log-button");
        (target || logForm.querySelector("button")).focus();
      } else {
        focusNumber(false);  // selected: the next scan or keystroke replaces it
      }
    }).catch(function () {
      if (!unreachable({ number: numberInput.value })) { showNetworkError(); return; }
      busy = false;
      statusBox.classList.remove("pending");
    });
  });

  // --- today's offer ---------------------------------------------------------------------------

  var offerSelect = document.getElementById("id_today_offer");
  var placesLeft = document.getElementById("offer-places");

  /* After a log against today's offer, the header shows the places left (the server's count). */
  function updatePlacesLeft(data) {
    if (!placesLeft || data.places_left === null || data.places_left === undefined) { return; }
    var choice = offerSelect && offerSelect.value;
    if (!choice || String(data.offer) !== choice) { return; }
    placesLeft.dataset.placesLeft = String(data.places_left);
    placesLeft.textContent = placesLeft.textContent.replace(/\d+/, String(data.places_left));
  }

  /* "o" (outside a text field) goes to today's offer, to change it. */
  document.addEventListener("keydown", function (event) {
    if (!offerSelect || event.defaultPrevented || event.key !== "o" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    event.preventDefault();
    offerSelect.focus();
  });

  // --- log -----------------------------------------------------------------------------------

  /* The same card here earlier that day (issue 11): when, and what was logged. */
  function fillRepeat(list, lines) {
    list.replaceChildren();
    lines.forEach(function (line) {
      var item = document.createElement("li");
      var time = document.createElement("strong");
      time.textContent = line.time;
      item.append(time, " " + line.text);
      list.appendChild(item);
    });
  }

  function showLogError(form, data) {
    var box = form.querySelector(".log-error");
    box.textContent = data.message || root.dataset.msgNetwork;
    var repeat = form.querySelector(".repeat-confirm");
    if (repeat) { repeat.hidden = data.code !== "repeat_use"; }
    if (repeat && data.code === "repeat_use") {
      // Logged nothing: the message is announced (role=alert) and "Log again" is the one way to confirm.
      fillRepeat(repeat.querySelector(".repeat-list"), data.repeat || []);
      repeat.querySelector(".repeat-button").focus();
      return;
    }
    var field = data.field ? form.querySelector("[name=" + data.field + "]") : null;
    if (field && field.type !== "hidden") {
      field.setAttribute("aria-invalid", "true");
      field.focus();
      if (field.select) { field.select(); }
    } else {
      (form.querySelector(".log-button") || form.querySelector("button")).focus();
    }
  }

  actionsBox.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "log-form") { return; }
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    post(form, event.submitter || document.activeElement).then(function (answer) {
      busy = false;
      var data = answer.data;
      if (!data.ok) { showLogError(form, data); return; }
      confirmation.textContent = "✓ " + data.message;
      if (data.row) { addTodayRow(data.row); }
      updatePlacesLeft(data);
      clearResult();
      focusNumber(true);
    }).catch(function () {
      busy = false;
      if (unreachable({ form: form })) { clearResult(); focusNumber(true); return; }  // kept, to be sent later
      showLogError(form, {});
    });
  });

  // Offer and ticket/course go together: picking a course offer picks "course place", and back.
  actionsBox.addEventListener("change", function (event) {
    var select = event.target;
    if (select.name !== "offer") { return; }
    var option = select.options[select.selectedIndex];
    var kind = option && option.dataset.kind;
    if (!kind) { return; }
    var radio = select.form.querySelector("input[name=kind][value=" + (kind === "course" ? "course" : "ticket") + "]");
    if (radio) { radio.checked = true; }
  });

  actionsBox.addEventListener("keydown", function (event) {
    // Escape: skip this card. A scanner typing the next number while the Log button has the focus
    // goes to the number field instead of being lost.
    if (event.key === "Escape") {
      event.preventDefault();
      clearResult();
      focusNumber(true);
      return;
    }
    var target = event.target;
    if (target.tagName === "BUTTON" && event.key.length === 1 && /[0-9a-z]/i.test(event.key) &&
        !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      clearResult();
      focusNumber(true);
      numberInput.value = event.key;
    }
  });

  actionsBox.addEventListener("click", function (event) {
    if (event.target.classList && event.target.classList.contains("clear-result")) {
      event.preventDefault();
      clearResult();
      focusNumber(true);
    }
  });

  // --- camera --------------------------------------------------------------------------------

  var scanButton = document.getElementById("scan-button");
  var scanner = document.getElementById("scanner");
  var video = document.getElementById("scanner-video");
  var scanStatus = document.getElementById("scanner-status");
  var stopButton = document.getElementById("scanner-stop");
  var stream = null;
  var detectorPromise = null;
  var scanning = false;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function nativeDetector() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") === -1) { return null; }
      var wanted = ["qr_code", "code_39"].filter(function (f) { return formats.indexOf(f) !== -1; });
      return new window.BarcodeDetector({ formats: wanted });
    }).catch(function () { return null; });
  }

  function fallbackDetector() {
    return loadScript(root.dataset.scannerJs).then(function () {
      var api = window.BarcodeDetectionAPI;
      // The wasm file is vendored next to the script: never fetched from a CDN.
      api.prepareZXingModule({
        overrides: {
          locateFile: function (path, prefix) {
            return path.endsWith(".wasm") ? root.dataset.scannerWasm : prefix + path;
          }
        }
      });
      return new api.BarcodeDetector({ formats: ["qr_code", "code_39"] });
    });
  }

  function getDetector() {
    if (!detectorPromise) {
      detectorPromise = nativeDetector().then(function (detector) { return detector || fallbackDetector(); });
    }
    return detectorPromise;
  }

  function stopScan(refocus) {
    scanning = false;
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.srcObject = null;
    scanner.hidden = true;
    scanStatus.textContent = "";
    if (refocus) { focusNumber(false); }
  }

  function scanLoop(detector) {
    if (!scanning) { return; }
    if (video.readyState < 2) { window.setTimeout(function () { scanLoop(detector); }, 120); return; }
    detector.detect(video).then(function (codes) {
      if (!scanning) { return; }
      if (codes.length) {
        stopScan(false);
        numberInput.value = extractNumber(codes[0].rawValue);
        numberInput.focus();
        checkForm.requestSubmit();
        return;
      }
      window.setTimeout(function () { scanLoop(detector); }, 150);
    }).catch(function () { window.setTimeout(function () { scanLoop(detector); }, 300); });
  }

  function startScan() {
    scanner.hidden = false;
    scanStatus.textContent = root.dataset.msgScannerLoading;
    Promise.all([
      getDetector(),
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
    ]).then(function (parts) {
      stream = parts[1];
      video.srcObject = stream;
      return video.play().then(function () {
        scanning = true;
        scanStatus.textContent = root.dataset.msgScanning;
        stopButton.focus();
        scanLoop(parts[0]);
      });
    }).catch(function () {
      stopScan(false);
      scanner.hidden = false;
      scanStatus.textContent = root.dataset.msgCamera;
      numberInput.focus();
    });
  }

  if (scanButton && navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.Promise) {
    scanButton.hidden = false;
    scanButton.addEventListener("click", startScan);
    stopButton.addEventListener("click", function () { stopScan(true); });
    scanner.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); stopScan(true); }
    });
  }
}());
