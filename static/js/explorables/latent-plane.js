// The VAE's 2-D latent plane: move over it (pointer, or the two sliders with the arrow
// keys) to see the decoder's image at z. Data (lessons/figures/vae.py): extent
// [z1 min, z1 max, z2 min, z2 max] of the decodes' centres, grid (decodes a side), size
// (pixels a side), sprite (the decodes as one PNG, row 0 at the largest z2), and the
// test digits' codes with their labels and class colours.
Explorables.register("latent-plane", function mount(figure, data) {
  var g = data.grid, s = data.size, e = data.extent;
  var uid = "lp-" + Math.random().toString(36).slice(2, 8);
  var still = figure.querySelector("img");
  var caption = figure.querySelector("figcaption");
  var PLANE = 300, DECODE = 150;

  var row = document.createElement("div");
  row.style.display = "flex";
  row.style.flexWrap = "wrap";
  row.style.gap = "12px";
  row.style.justifyContent = "center";
  row.style.alignItems = "center";
  var plane = document.createElement("canvas");
  plane.width = plane.height = PLANE;
  plane.setAttribute("role", "img");
  plane.setAttribute("aria-label", "The latent plane, decoded at " + g + " by " + g + " points");
  plane.style.cursor = "crosshair";
  plane.style.touchAction = "none";
  var decode = document.createElement("canvas");
  decode.width = decode.height = DECODE;
  decode.setAttribute("role", "img");
  row.append(plane, decode);

  var controls = document.createElement("div");
  controls.className = "explorable-controls";
  function slider(name, text) {
    var label = document.createElement("label");
    label.htmlFor = uid + name;
    label.textContent = text;
    var input = document.createElement("input");
    input.type = "range";
    input.id = uid + name;
    input.min = 0;
    input.max = g - 1;
    input.step = 1;
    input.value = Math.floor(g / 2);
    controls.append(label, input);
    return input;
  }
  var z1 = slider("z1", "z₁ (left to right)");
  var z2 = slider("z2", "z₂ (bottom to top)");
  var codesLabel = document.createElement("label");
  var codes = document.createElement("input");
  codes.type = "checkbox";
  codesLabel.append(codes, " show where the test digits' codes land");
  controls.append(codesLabel);
  var said = document.createElement("p");
  said.setAttribute("aria-live", "polite");
  controls.append(said);
  figure.insertBefore(row, caption);
  figure.insertBefore(controls, caption);

  var sprite = new Image();
  var step = (e[1] - e[0]) / (g - 1);
  function zOf(i) { return e[0] + i * step; } // column or row index from the bottom → z
  function px(z) { return ((z - (e[0] - step / 2)) / (g * step)) * PLANE; }

  function nearestClass(a, b) {
    // the commonest label among the 10 test codes nearest to z: words for what the image shows
    var d = data.codes.map(function (c, i) { return [(c[0] - a) * (c[0] - a) + (c[1] - b) * (c[1] - b), data.labels[i]]; });
    d.sort(function (x, y) { return x[0] - y[0]; });
    var count = {}, best = null;
    d.slice(0, 10).forEach(function (x) {
      count[x[1]] = (count[x[1]] || 0) + 1;
      if (best === null || count[x[1]] > count[best]) best = x[1];
    });
    return best;
  }

  function draw() {
    var i = Number(z1.value), j = Number(z2.value); // j counts rows from the bottom
    var a = zOf(i), b = zOf(j), r = g - 1 - j; // r: the sprite's row
    var cell = PLANE / g;
    var ctx = plane.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, PLANE, PLANE);
    for (var row = 0; row < g; row++) { // each decode in its cell, a white gap around it
      for (var col = 0; col < g; col++) {
        ctx.drawImage(sprite, col * s, row * s, s, s, col * cell + 1, row * cell + 1, cell - 2, cell - 2);
      }
    }
    if (codes.checked) {
      ctx.fillStyle = "rgba(255,255,255,0.55)";
      ctx.fillRect(0, 0, PLANE, PLANE);
      data.codes.forEach(function (c, k) {
        ctx.fillStyle = data.colours[data.labels[k]];
        ctx.beginPath();
        ctx.arc(px(c[0]), PLANE - px(c[1]), 2.6, 0, 2 * Math.PI);
        ctx.fill();
      });
    }
    ctx.strokeStyle = "#D55E00";
    ctx.lineWidth = 3;
    ctx.strokeRect(i * cell + 1.5, r * cell + 1.5, cell - 3, cell - 3);
    var dctx = decode.getContext("2d");
    dctx.imageSmoothingEnabled = false;
    dctx.drawImage(sprite, i * s, r * s, s, s, 0, 0, DECODE, DECODE);
    dctx.strokeStyle = "#777777";
    dctx.lineWidth = 1;
    dctx.strokeRect(0.5, 0.5, DECODE - 1, DECODE - 1);
    var text = "z = (" + a.toFixed(2) + ", " + b.toFixed(2) + "); the test digits coded nearest are mostly " + nearestClass(a, b) + "s";
    z1.setAttribute("aria-valuetext", "z₁ = " + a.toFixed(2));
    z2.setAttribute("aria-valuetext", "z₂ = " + b.toFixed(2));
    said.textContent = text;
    decode.setAttribute("aria-label", "The decoder's image at " + text);
  }

  function fromPointer(event) {
    var box = plane.getBoundingClientRect();
    var i = Math.floor(((event.clientX - box.left) / box.width) * g);
    var r = Math.floor(((event.clientY - box.top) / box.height) * g);
    if (i < 0 || r < 0 || i >= g || r >= g) return;
    z1.value = i;
    z2.value = g - 1 - r;
    draw();
  }
  plane.addEventListener("pointermove", fromPointer);
  plane.addEventListener("pointerdown", fromPointer);
  [z1, z2, codes].forEach(function (input) { input.addEventListener("input", draw); });
  sprite.onload = function () {
    draw();
    if (still) still.style.display = "none";
  };
  sprite.src = data.sprite;
});
