// django-celery-beat's periodic task form (admin): under the chosen crontab, its schedule in words. The package
// does this in an inline script, which the Content-Security-Policy does not run; this is the same, from a file.
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  var script = document.getElementById("periodic-task-overrides");
  var data = document.getElementById("readable-crontabs");
  if (!$ || !script || !data) { return; }
  var readable = JSON.parse(data.textContent);
  var original = script.getAttribute("data-crontab-help") || "";
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    var help = $(".field-crontab .help");
    help.text(original);
    help.append($("<br>"), document.createTextNode("Translation: " + (readable[$("#id_crontab").val()] || "")));
  });
})();
