// Small behaviours of every page, wired by data attributes: the Content-Security-Policy allows no inline
// handlers (onclick=, onchange=) and no inline scripts.
(function () {
  "use strict";
  // <select data-submit-on-change>: the language picker submits its form when a language is chosen.
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // <input data-select-on-click>: a read-only link that is selected whole with one click, ready to copy.
  document.querySelectorAll("input[data-select-on-click]").forEach(function (input) {
    input.addEventListener("click", function () { input.select(); });
  });
})();
