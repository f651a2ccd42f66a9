/* Card number fields ([data-scan-field]): a USB barcode scanner types the number and presses Enter.
 * Enter there must not submit the form half-filled: it moves the focus to the next field instead.
 * "Mobile only" needs no pre-printed number, so choosing it greys the number field out. */
(function () {
  "use strict";
  function focusables(form) {
    return Array.prototype.filter.call(
      form.querySelectorAll("input, select, textarea, button"),
      function (el) { return !el.disabled && el.type !== "hidden" && el.offsetParent !== null; }
    );
  }
  document.querySelectorAll("input[data-scan-field]").forEach(function (input) {
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      input.value = input.value.trim().toUpperCase();
      var items = focusables(input.form);
      var index = items.indexOf(input);
      var next = items[index + 1];
      if (next && next.type === "checkbox" && input.value) next = items[index + 2] || next;
      if (next) next.focus();
    });
  });
  var form = document.getElementById("register-form");
  if (!form) return;
  var number = form.querySelector('input[name="number"]');
  var generate = form.querySelector('input[name="generate_number"]');
  function sync() {
    var mobile = form.querySelector('input[name="format"][value="mobile"]');
    var noNumber = (generate && generate.checked) || (mobile && mobile.checked);
    if (number && noNumber && !number.value) number.setAttribute("placeholder", number.dataset.generated || "");
    else if (number) number.removeAttribute("placeholder");
  }
  form.addEventListener("change", sync);
  sync();
})();
