// The live ticket page: skip swaps that change nothing; vibrate once when the number is called.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var target = event.detail.target;
    // 304, or the browser's cache answering a revalidated poll: nothing new to show.
    if (xhr.status === 304 || (target && target.tthcLast === xhr.responseText)) {
      event.detail.shouldSwap = false;
    } else if (target) {
      target.tthcLast = xhr.responseText;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var call = event.detail.target && event.detail.target.querySelector(".ticket-call");
    if (call && !call.getAttribute("data-seen") && navigator.vibrate) {
      navigator.vibrate([300, 150, 300]);
    }
    if (call) { call.setAttribute("data-seen", "1"); }
  });
})();
