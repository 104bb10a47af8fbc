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
})();
