// The card list's batch print (cards/card_list.html, issue 15): the header's box ticks or clears every card's box
// on the page, and shows whether some or all are ticked. Without script it stays hidden and each card is ticked by
// itself. No inline script (CSP: script-src 'self').
(function () {
  "use strict";
  function start() {
    var all = document.querySelector("input[data-select-all]");
    if (!all) {
      return;
    }
    var boxes = Array.prototype.slice.call(all.form.querySelectorAll('input[type="checkbox"][name="card"]'));
    if (!boxes.length) {
      return;
    }
    function show() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      show();
    });
    boxes.forEach(function (box) { box.addEventListener("change", show); });
    show();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
