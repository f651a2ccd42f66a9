// The card import job page (cards/card_import.html): while the file is checked or the cards are saved, read the
// job's progress every second and a half and show it in the live region; when the step ends, reload the page to
// show the preview, the refused rows or the result. No inline script (CSP: script-src 'self').
(function () {
  "use strict";
  var RUNNING = ["queued", "validating", "writing"];
  function start() {
    var section = document.querySelector(".import-job[data-status-url]");
    if (!section || RUNNING.indexOf(section.dataset.status) === -1) {
      return;
    }
    var url = section.dataset.statusUrl;
    var initial = section.dataset.status;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) {
            window.setTimeout(poll, 5000);
            return;
          }
          if (data.status !== initial) {
            window.location.reload();
            return;
          }
          Object.keys(data).forEach(function (key) {
            var element = section.querySelector('[data-field="' + key + '"]');
            if (element && element.textContent !== String(data[key])) {
              element.textContent = String(data[key]);
            }
          });
          window.setTimeout(poll, 1500);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
