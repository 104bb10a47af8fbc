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
    typeset(event.detail.elt);
  });
})();
