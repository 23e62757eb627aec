// Small progressive enhancements; every page works without them.
(function () {
  // Printing: open every "Fondement" so that the legal bases are on paper.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (details) {
      if (!details.open) { details.dataset.closedForPrint = "1"; details.open = true; }
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-closed-for-print]").forEach(function (details) {
      details.open = false; delete details.dataset.closedForPrint;
    });
  });
  // Buttons that do something wide (disable a plugin…) ask first.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Print buttons.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // A form sent back with errors may be far down the page (the case page's log): bring its
  // summary of errors into view and give it the focus, so that nobody believes it was saved.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); summary.scrollIntoView({block: "start"}); }
  // "Log it" next to a step lands on the log's form with its kind chosen: the focus goes there too.
  if (window.location.hash === "#add-entry" && !summary) {
    var kind = document.getElementById("entry-kind");
    if (kind) { kind.focus(); }
  }
  // After an assessment, bring the result into view and give it the focus.
  var result = document.getElementById("resultat");
  if (result && window.location.search) { result.focus(); }
})();
