// The "now serving" display: when the board's latest call changes, a chime
// (made with Web Audio, no sound file) and the call spoken in the page's
// language. Browsers allow sound only after a tap, hence the button.
(function () {
  "use strict";
  let soundOn = false;
  let lastVersion = null;
  let audio = null;

  function chime() {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    [880, 660].forEach((frequency, index) => {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      const start = audio.currentTime + index * 0.35;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.3, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.3);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.32);
    });
  }

  function say(text) {
    if (!("speechSynthesis" in window) || !text) return;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang === "en" ? "en-US" : "th-TH";
    window.speechSynthesis.speak(utterance);
  }

  function check() {
    const board = document.querySelector(".board");
    if (!board) return;
    const version = board.dataset.version || "";
    if (lastVersion !== null && version && version !== lastVersion && soundOn) {
      chime();
      setTimeout(() => say(board.dataset.say), 800);
    }
    document.body.dataset.lastCall = version;
    lastVersion = version;
  }

  document.addEventListener("DOMContentLoaded", () => {
    check();
    const button = document.querySelector("[data-enable-sound]");
    if (button) {
      button.addEventListener("click", () => {
        soundOn = true;
        chime();
        button.textContent = button.dataset.msgOn;
        button.disabled = true;
      });
    }
  });
  document.body.addEventListener("htmx:afterSwap", check);
})();
