// Poll a prepared file's status and show the progress and the download link when it is ready.
(function () {
  "use strict";
  var job = document.getElementById("file-job");
  if (!job) { return; }
  var url = job.getAttribute("data-status-url");
  var bar = document.getElementById("file-progress");
  var status = job.querySelector("[data-status]");
  var percent = job.querySelector("[data-percent]");
  var download = document.getElementById("file-download");
  var waiting = document.getElementById("file-waiting");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.max = data.total || 1;
        bar.value = data.status === "done" ? (data.total || 1) : data.progress;
        status.textContent = data.status_label.charAt(0).toUpperCase() + data.status_label.slice(1);
        percent.textContent = data.percent;
        if (waiting) { waiting.hidden = !data.waits_too_long; }
        if (data.status === "done") {
          download.hidden = false;
          return;
        }
        if (data.status !== "failed") { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (download.hidden) { window.setTimeout(poll, 800); }
})();
