// Counter screen keyboard shortcuts: N call next, R recall, B start, V no-show, H done.
// Each key presses the visible button marked data-key="…"; every button works without this.
(function () {
  "use strict";
  var KEYS = { n: 1, r: 1, b: 1, v: 1, h: 1 };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) { return; }
    var target = event.target || {};
    var tag = (target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || target.isContentEditable) {
      return;
    }
    var key = (event.key || "").toLowerCase();
    if (!KEYS[key]) { return; }
    var button = document.querySelector('#desk button[data-key="' + key + '"]');
    if (!button || button.disabled) { return; }
    event.preventDefault();
    button.click();
  });
  // A press that is already on its way must not be sent twice (a double "Gọi tiếp").
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    if (form && form.getAttribute && form.getAttribute("data-busy")) {
      event.preventDefault();
      return;
    }
    if (form && form.setAttribute) { form.setAttribute("data-busy", "1"); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (form && form.removeAttribute) { form.removeAttribute("data-busy"); }
  });
})();
