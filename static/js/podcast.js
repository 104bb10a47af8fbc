// The podcast episode page. Without this script the player, the chapters (links into
// the audio with #t= media fragments) and the transcript all still work; with it, the
// links seek the player on the page, the sentence being spoken is highlighted and kept
// in view, and the speed and the place a learner stopped are remembered.
(function () {
  "use strict";
  var audio = document.getElementById("episode-audio");
  if (!audio) return;
  var box = document.getElementById("transcript");
  var cues = Array.prototype.slice.call(box.querySelectorAll(".cue"));
  var chapters = Array.prototype.slice.call(document.querySelectorAll(".chapters a[data-start]"));
  var ends = cues.map(function (cue) { return parseFloat(cue.dataset.end); });
  var speed = document.getElementById("episode-speed");
  var resume = document.getElementById("episode-resume");
  var positionKey = "podcast:position:" + audio.dataset.key;
  var speedKey = "podcast:speed";
  var smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var current = null;
  var userScrolledAt = 0;
  var savedAt = 0;

  function load(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) { /* private browsing: nothing remembered */ }
  }
  function clock(seconds) {
    var s = Math.floor(seconds);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  // The sentence being spoken at time t, or the next one during a pause.
  function cueAt(t) {
    var lo = 0, hi = ends.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (ends[mid] <= t) lo = mid + 1; else hi = mid;
    }
    return cues[lo] || null;
  }

  function keepInView(cue) {
    if (Date.now() - userScrolledAt < 4000) return; // the learner is reading elsewhere
    var top = cue.offsetTop - box.clientHeight / 3;
    box.scrollTo({ top: Math.max(top, 0), behavior: smooth ? "smooth" : "auto" });
  }

  function markChapter(t) {
    var at = null;
    chapters.forEach(function (link) { if (parseFloat(link.dataset.start) <= t + 0.05) at = link; });
    chapters.forEach(function (link) {
      if (link === at) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
  }

  function highlight() {
    markChapter(audio.currentTime);
    var cue = cueAt(audio.currentTime);
    if (cue === current) return;
    if (current) { current.classList.remove("is-current"); current.removeAttribute("aria-current"); }
    current = cue;
    if (!cue) return;
    cue.classList.add("is-current");
    cue.setAttribute("aria-current", "true");
    keepInView(cue);
  }

  function seek(t) {
    userScrolledAt = 0;
    var go = function () {
      audio.currentTime = t;
      highlight();
    };
    if (audio.readyState >= 1) go();
    else audio.addEventListener("loadedmetadata", go, { once: true });
    var playing = audio.play();
    if (playing && playing.catch) playing.catch(function () { /* autoplay refused */ });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-start]");
    if (!link) return;
    event.preventDefault();
    seek(parseFloat(link.dataset.start));
  });

  ["wheel", "touchmove", "keydown"].forEach(function (type) {
    box.addEventListener(type, function () { userScrolledAt = Date.now(); }, { passive: true });
  });
  audio.addEventListener("timeupdate", function () {
    highlight();
    var now = Date.now();
    if (now - savedAt > 2000 && audio.currentTime > 3) {
      savedAt = now;
      store(positionKey, audio.currentTime.toFixed(1));
    }
  });
  audio.addEventListener("seeked", highlight);
  audio.addEventListener("pause", function () {
    if (audio.currentTime > 3 && !audio.ended) store(positionKey, audio.currentTime.toFixed(1));
  });
  audio.addEventListener("ended", function () { store(positionKey, null); });
  if (audio.textTracks && audio.textTracks[0]) {
    audio.textTracks[0].mode = "hidden"; // cues fire events; the page shows the text
    audio.textTracks[0].addEventListener("cuechange", highlight);
  }

  // Speed.
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  var rate = parseFloat(load(speedKey));
  if (rate >= 0.5 && rate <= 3) {
    speed.value = String(rate);
    audio.playbackRate = audio.defaultPlaybackRate = rate;
  }
  speed.addEventListener("change", function () {
    audio.playbackRate = audio.defaultPlaybackRate = parseFloat(speed.value);
    store(speedKey, speed.value);
  });

  // Where the learner stopped last time.
  function restore() {
    var saved = parseFloat(load(positionKey));
    if (!(saved > 5) || (audio.duration && saved > audio.duration - 5)) return;
    audio.currentTime = saved;
    highlight();
    resume.textContent = "Picked up where you stopped, at " + clock(saved) + ". ";
    var again = document.createElement("button");
    again.type = "button";
    again.className = "link-button";
    again.textContent = "Start over";
    again.addEventListener("click", function () {
      audio.currentTime = 0;
      store(positionKey, null);
      resume.textContent = "";
    });
    resume.appendChild(again);
  }
  if (audio.readyState >= 1) restore();
  else audio.addEventListener("loadedmetadata", restore, { once: true });
})();
