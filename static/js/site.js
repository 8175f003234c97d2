// Small enhancements only; every flow works without this file.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-print]");
    if (target) { window.print(); }
  });
  // A failed htmx request never fails silently: say so in the page's message area.
  document.addEventListener("htmx:sendError", function () {
    var flash = document.getElementById("flash");
    if (flash) {
      // The text comes translated from the server (data-msg-offline on <body>).
      var p = document.createElement("p");
      p.textContent = document.body.getAttribute("data-msg-offline");
      var box = document.createElement("div");
      box.className = "notice notice-error";
      box.appendChild(p);
      flash.replaceChildren(box);
    }
  });
})();
