// komoru work page, enhanced: a copy button beside each citation. The
// buttons stay hidden where the clipboard cannot be written (no script, or
// a page not served over HTTPS or from this machine): the text is there
// to select.
(function () {
  "use strict";
  var status = document.getElementById("copy-status");
  if (!navigator.clipboard || !status) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (btn) {
    var src = document.getElementById(btn.dataset.copy);
    if (!src) {
      return;
    }
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var text = src.innerText, done;
      // With its HTML too, a word processor keeps the APA title's italics.
      if (window.ClipboardItem && navigator.clipboard.write) {
        done = navigator.clipboard.write([new ClipboardItem({
          "text/plain": new Blob([text], { type: "text/plain" }),
          "text/html": new Blob([src.innerHTML], { type: "text/html" })
        })]);
      } else {
        done = navigator.clipboard.writeText(text);
      }
      done.then(function () {
        status.textContent = "Copied " + btn.dataset.what + ".";
      }, function () {
        status.textContent = "Could not copy " + btn.dataset.what + ": select it and copy it.";
      });
    });
  });
})();
