// Typeset math with KaTeX: on load, and in every fragment htmx swaps in.
// The lesson HTML carries \( … \) and \[ … \] from the Markdown renderer.
(function () {
  function typeset(root) {
    if (!window.renderMathInElement) return;
    window.renderMathInElement(root, {
      delimiters: [
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
      ],
      throwOnError: false,
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    typeset(document.body);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    // event.target is the swap target; an outerHTML swap has replaced it, so look at
    // the requesting element, or the whole page when that is gone too.
    var root = event.target;
    if (!root || !root.isConnected) root = event.detail.elt;
    if (!root || !root.isConnected) root = document.body;
    typeset(root);
  });
  // Inside [data-swap-errors] (the path editor) a 400 or 409 answer is a form with its
  // message: swap it in like a success instead of dropping it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var elt = event.detail.elt;
    if ((status === 400 || status === 409) && elt && elt.closest && elt.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // A refused form (400, 409) answers with the same fragment and a message in it:
  // show it rather than leave the learner wondering why nothing happened.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 400 || status === 409) && event.detail.xhr.responseText) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();

// Flashcard study keys, as in Anki: Space (or a click on the card) shows the answer,
// 1–4 rate Again / Hard / Good / Easy. Keys typed into a form field are left alone.
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    var card = document.getElementById("study-card");
    if (!card) return;
    // A key can arrive between htmx swapping a card in and wiring it up; wire it now
    // (idempotent) so the key never falls back to a full page load.
    if (window.htmx) window.htmx.process(card);
    if (event.key === " ") {
      var flip = card.querySelector("[data-flip]");
      if (flip) {
        event.preventDefault();
        flip.click();
      }
    } else if (["1", "2", "3", "4"].indexOf(event.key) !== -1) {
      var button = card.querySelector('button[name="rating"][value="' + event.key + '"]');
      if (button) {
        event.preventDefault();
        button.click();
      }
    }
  });
  document.addEventListener("click", function (event) {
    var area = event.target.closest && event.target.closest("[data-flip-area]");
    if (!area || event.target.closest("a")) return;
    var flip = document.querySelector("#study-card [data-flip]");
    if (flip) flip.click();
  });
})();
// A glossary term's tooltip (lessons/glossary/linking.py): Escape hides it without
// moving focus (WCAG 1.4.13); it shows again when the pointer or focus comes back.
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".term:hover, .term:focus-within").forEach(function (term) {
      term.classList.add("tip-dismissed");
    });
  });
  function reset(event) {
    var term = event.target.closest && event.target.closest(".term");
    // only when coming from outside the term: moving within it keeps it dismissed
    if (term && !term.contains(event.relatedTarget)) term.classList.remove("tip-dismissed");
  }
  document.addEventListener("focusin", reset);
  document.addEventListener("mouseover", reset);
})();
