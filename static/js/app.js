// The only script besides htmx: move focus to the error summary so screen readers announce it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
document.addEventListener("htmx:afterSettle", function () {
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
