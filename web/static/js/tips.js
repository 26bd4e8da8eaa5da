// komoru work page, enhanced: a dimension's definition (a toggletip, a
// details element that tap, Enter and Space already open) also opens
// when its label takes the focus, and closes when the focus leaves or on
// Escape.
(function () {
  "use strict";
  document.querySelectorAll("details.tip").forEach(function (tip) {
    var summary = tip.querySelector("summary");
    if (!summary) return;
    summary.addEventListener("focus", function () { tip.open = true; });
    tip.addEventListener("focusout", function (e) {
      if (!tip.contains(e.relatedTarget)) tip.open = false;
    });
    tip.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && tip.open) {
        tip.open = false;
        summary.focus();
        e.preventDefault();
      }
    });
  });
})();
