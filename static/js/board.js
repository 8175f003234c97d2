// The display board: announce each new call aloud (speechSynthesis, where the browser has
// it) and highlight it. The board itself refreshes through htmx polling, or a meta refresh.
(function () {
  "use strict";
  var seen = null;      // call keys already on the board: "ticket id.recalls"
  var speaking = false; // turned on by the button (browsers need one click before speech)
  var STORE = "tthc-board-speech";

  function hasSpeech() { return "speechSynthesis" in window && "SpeechSynthesisUtterance" in window; }

  function speak(text) {
    if (!speaking || !hasSpeech() || !text) { return; }
    var board = document.getElementById("board");
    var lang = (board && board.getAttribute("data-speech-lang")) || "vi-VN";
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    utterance.rate = 0.9;
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.replace("_", "-").indexOf(lang.slice(0, 2)) === 0) {
        utterance.voice = voices[i];
        break;
      }
    }
    window.speechSynthesis.speak(utterance);
  }

  function check() {
    var rows = document.querySelectorAll("#board [data-call]");
    var now = {};
    for (var i = 0; i < rows.length; i++) {
      var key = rows[i].getAttribute("data-call");
      now[key] = true;
      if (seen !== null && !seen[key]) {
        rows[i].className += " is-new";
        speak(rows[i].getAttribute("data-speech"));
        speak(rows[i].getAttribute("data-speech")); // twice, as callers do in a noisy hall
      }
    }
    seen = now;
  }

  function setSpeaking(on) {
    speaking = on;
    var button = document.getElementById("board-sound");
    if (button && on) {
      button.textContent = button.getAttribute("data-on");
      button.setAttribute("aria-pressed", "true");
    }
    try { window.localStorage.setItem(STORE, on ? "1" : ""); } catch (e) { /* private mode */ }
  }

  document.addEventListener("DOMContentLoaded", function () {
    check();
    var button = document.getElementById("board-sound");
    if (button && hasSpeech()) {
      button.hidden = false;
      button.addEventListener("click", function () { setSpeaking(true); });
      var remembered = false;
      try { remembered = window.localStorage.getItem(STORE) === "1"; } catch (e) { /* none */ }
      if (remembered) { setSpeaking(true); } // works where the browser allows (kiosk flags)
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var target = event.detail.target;
    if (xhr.status === 304 || (target && target.tthcLast === xhr.responseText)) {
      event.detail.shouldSwap = false;
    } else if (target) {
      target.tthcLast = xhr.responseText;
    }
  });
  document.addEventListener("htmx:afterSwap", check);
})();
