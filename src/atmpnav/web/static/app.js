// ATMP Navigator: progressive enhancement only. Every page works without this file.
(function () {
  "use strict";

  // "Copy" buttons next to hashes (hidden unless scripts run and the clipboard is available).
  document.querySelectorAll(".js-copy").forEach(function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });

  // "Go back" buttons on error pages.
  document.querySelectorAll(".js-back").forEach(function (button) {
    if (window.history.length < 2) return;
    button.hidden = false;
    button.addEventListener("click", function () { window.history.back(); });
  });

  // After answering or changing an answer, put keyboard focus on the next question.
  var question = document.querySelector("#question legend");
  if (question && window.location.search.indexOf("a=") !== -1) {
    question.setAttribute("tabindex", "-1");
    question.focus({ preventScroll: false });
  }
})();
