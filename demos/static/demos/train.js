// The train page's drawing canvas: shown when the dataset is "drawn"; dragging on it
// adds points in [-4, 4]², kept as JSON in the form's hidden "points" field.
(function () {
  "use strict";
  var LIMIT = 4, MAX = 2000;
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".training-new form");
    if (!form) return;
    var select = form.querySelector("select[name=dataset]");
    var hidden = form.querySelector("input[name=points]");
    var figure = document.querySelector(".draw-figure");
    var hint = document.querySelector(".draw-hint");
    var canvas = figure.querySelector("canvas"), ctx = canvas.getContext("2d");
    var count = figure.querySelector(".draw-count");
    var points = [];
    try { points = JSON.parse(hidden.value || "[]"); } catch (e) { points = []; }

    function toPixel(v) { return (v + LIMIT) / (2 * LIMIT) * canvas.width; }
    function draw() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.strokeStyle = "#ccc";
      ctx.beginPath();
      ctx.moveTo(canvas.width / 2, 0); ctx.lineTo(canvas.width / 2, canvas.height);
      ctx.moveTo(0, canvas.height / 2); ctx.lineTo(canvas.width, canvas.height / 2);
      ctx.stroke();
      ctx.fillStyle = "#0072B2";
      points.forEach(function (p) {
        ctx.beginPath();
        ctx.arc(toPixel(p[0]), canvas.height - toPixel(p[1]), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      });
      count.textContent = points.length;
      hidden.value = points.length ? JSON.stringify(points) : "";
    }
    function add(event) {
      if (points.length >= MAX) return;
      var box = canvas.getBoundingClientRect();
      var x = (event.clientX - box.left) / box.width * 2 * LIMIT - LIMIT;
      var y = LIMIT - (event.clientY - box.top) / box.height * 2 * LIMIT;
      // A little jitter, so a slow drag leaves a cloud rather than a stack of one point.
      x += (Math.random() - 0.5) * 0.08; y += (Math.random() - 0.5) * 0.08;
      points.push([Math.max(-LIMIT, Math.min(LIMIT, +x.toFixed(3))), Math.max(-LIMIT, Math.min(LIMIT, +y.toFixed(3)))]);
      draw();
    }
    var down = false;
    canvas.addEventListener("pointerdown", function (e) { down = true; canvas.setPointerCapture(e.pointerId); add(e); });
    canvas.addEventListener("pointermove", function (e) { if (down) add(e); });
    canvas.addEventListener("pointerup", function () { down = false; });
    figure.querySelector(".draw-clear").addEventListener("click", function () { points = []; draw(); });
    function sync() {
      var drawn = select && select.value === select.dataset.drawn;
      figure.hidden = !drawn;
      if (hint) hint.hidden = drawn;
    }
    if (select) select.addEventListener("change", sync);
    sync();
    draw();
  });
})();
