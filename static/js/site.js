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
  // Pre-filing (tthc.intake) ------------------------------------------------------------
  // The GOV.UK error summary takes the focus when a page comes back with errors.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary) { summary.focus(); }
  });
  // The live check replaces a field's message element out of band; keep the control's
  // aria-invalid and the field's red bar in step with it.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var box = event.target;  // the new element (detail.target is the one it replaced)
    if (!box || !box.classList || !box.classList.contains("field-msg")) { return; }
    var invalid = !!box.querySelector(".field-error");
    document.querySelectorAll('[aria-describedby~="' + box.id + '"]').forEach(function (el) {
      var controls = el.tagName === "FIELDSET" ? el.querySelectorAll("input") : [el];
      controls.forEach(function (c) {
        if (invalid) { c.setAttribute("aria-invalid", "true"); } else { c.removeAttribute("aria-invalid"); }
      });
    });
    var wrap = box.closest(".field");
    if (wrap) { wrap.classList.toggle("field-invalid", invalid); }
  });
  // Formats the browser checks itself (pattern: an ID number, a phone, a date): a character
  // the domain never accepts is flagged at once, before the live check's round trip. Only
  // the flag this set is taken back; the server's message stays in charge of the rest.
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!el.hasAttribute || !el.hasAttribute("pattern") || !el.validity) { return; }
    if (el.validity.patternMismatch) {
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("data-format-invalid", "");
    } else if (el.hasAttribute("data-format-invalid")) {
      el.removeAttribute("data-format-invalid");
      var box = document.getElementById(el.id + "-error");
      if (!box || !box.querySelector(".field-error")) { el.removeAttribute("aria-invalid"); }
    }
  });
  // Nothing typed is lost: what the live check has not saved yet is sent when the page is
  // hidden (tab closed, phone locked), and checked again when the connection comes back.
  // "edits" counts changes; a check saves all edits made before it was sent.
  // htmx attributes are written either way: hx-post, or data-hx-post (valid HTML).
  function hxAttr(el, name) {
    return el.getAttribute("hx-" + name) || el.getAttribute("data-hx-" + name);
  }
  var dirty = null, edits = 0;
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    var panel = form && form.querySelector("#completeness");
    if (panel && hxAttr(panel, "post")) { dirty = form; edits += 1; }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "completeness") { event.detail.xhr.tthcEdits = edits; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (event.detail.successful && xhr && xhr.tthcEdits === edits) { dirty = null; }
  });
  // A busy server (503, nothing saved; its message is in #flash) gets the save once more
  // after its Retry-After; the fields keep what was typed either way, and the message goes
  // when the retry has saved it.
  var retrying = false;
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr, elt = event.detail.elt;
    if (!xhr || !elt || elt.id !== "completeness") { return; }
    if (xhr.status === 503 && !retrying && dirty) {
      retrying = true;
      var form = dirty;
      var wait = Math.min(parseInt(xhr.getResponseHeader("Retry-After"), 10) || 2, 10);
      window.setTimeout(function () { if (window.htmx) { window.htmx.trigger(form, "change"); } },
                        wait * 1000);
    } else if (retrying && xhr.status !== 503) {
      retrying = false;
      var flash = document.getElementById("flash");
      if (event.detail.successful && flash) { flash.replaceChildren(); }
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden" || !dirty || !navigator.sendBeacon) { return; }
    var data = new FormData(dirty);
    Array.from(data.keys()).forEach(function (key) { if (key.indexOf("file_") === 0) { data.delete(key); } });
    if (navigator.sendBeacon(hxAttr(dirty.querySelector("#completeness"), "post"), data)) { dirty = null; }
  });
  // Pre-filing, a long form's steps (issue 12) -------------------------------------------
  // The lead sentence that is true only with this script: "saved automatically".
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-js-text]").forEach(function (el) {
      el.textContent = el.getAttribute("data-js-text");
    });
  });
  // "Người nộp hồ sơ là: mẹ": the applicant's details fill the mother's empty fields at once
  // (data-fill, from tthc.domain.applicant); the server does the same on the next save, for
  // a page without this script. Filled fields stay editable; nothing typed is overwritten.
  document.addEventListener("change", function (event) {
    var el = event.target, form = el.form;
    var map = form && form.getAttribute("data-fill");
    if (!map || !el.name) { return; }
    var pairs = (JSON.parse(map)[el.name] || {})[el.value];
    if (!pairs) { return; }
    Object.keys(pairs).forEach(function (source) {
      var from = form.elements[source], to = form.elements[pairs[source]];
      if (!from || !to || !from.value || to.value || !("value" in to) || to.length) { return; }
      to.value = from.value;
      to.dispatchEvent(new Event("input", { bubbles: true }));  // the live check saves it
    });
  });
  // The panel's list, opened on demand, stays open while the live check refreshes it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var panel = event.detail.target;
    if (panel && panel.id === "completeness") {
      panel.tthcOpen = !!panel.querySelector("details[open]");
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target;
    var more = panel && panel.id === "completeness" && panel.tthcOpen && panel.querySelector("details");
    if (more) { more.open = true; }
  });
  // The desk (tthc.desk): answers typed in the dossier's form are saved only by «Lưu thông
  // tin». Leaving the page another way (receiving the dossier, another form, a link) asks
  // first, with the page's own words (data-unsaved-message), so that nothing typed is lost
  // without the officer choosing it.
  var deskDirty = false;
  document.addEventListener("DOMContentLoaded", function () {
    // A page shown again with typed answers not saved yet ("Kiểm tra, chưa lưu").
    deskDirty = document.querySelector("form[data-unsaved-message][data-unsaved]") || false;
  });
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-unsaved-message")) { deskDirty = form; }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!deskDirty || form === deskDirty) { if (form === deskDirty) { deskDirty = false; } return; }
    if (hxAttr(form, "post")) { return; }  // htmx swaps a part; the answers stay
    if (!window.confirm(deskDirty.getAttribute("data-unsaved-message"))) {
      event.preventDefault();
    } else {
      deskDirty = false;
    }
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (deskDirty) { event.preventDefault(); event.returnValue = ""; }
  });
  window.addEventListener("online", function () {
    var panel = document.getElementById("completeness");
    if (panel && dirty && window.htmx) { window.htmx.trigger(dirty, "change"); }
  });
})();
