// Small behaviours of every page, wired by data attributes: the Content-Security-Policy allows no inline
// handlers (onclick=, onchange=) and no inline scripts.
(function () {
  "use strict";
  // <input data-select-on-click>: a read-only link that is selected whole with one click, ready to copy.
  document.querySelectorAll("input[data-select-on-click]").forEach(function (input) {
    input.addEventListener("click", function () { input.select(); });
  });
  // A form that came back with errors (templates/includes/error_summary.html): the summary takes the focus, so a
  // screen reader reads what went wrong first; a link in it moves the focus into its field (a plain #fragment
  // only scrolls), opening a closed <details> around it and keeping the field's label in view.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      for (var details = field.closest("details"); details; details = details.parentElement.closest("details")) {
        details.open = true;
      }
      var group = (field.type === "radio" || field.type === "checkbox") && field.closest("fieldset");
      var label = document.querySelector("label[for='" + CSS.escape(field.id) + "']");
      ((group && group.querySelector("legend")) || label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }
  // The counter's offline copy (static/js/sw.js) is one signed-in person's page: a page without a signed-in user
  // (no sign-out button: the sign-in page after signing out, say) deletes it, so the next person never sees it.
  if (window.caches && !document.querySelector("form[action$='/accounts/logout/']")) {
    window.caches.keys().then(function (names) {
      names.forEach(function (name) { if (name.indexOf("kaikukanta-counter") === 0) { window.caches.delete(name); } });
    }).catch(function () {});
  }
})();
