// The forward process on a real digit: a slider over the step t shows
// x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε with one fixed ε, and the two coefficients as bars.
// Data (lessons/figures/diffusion.py): t, sqrt_alpha_bar, sqrt_one_minus_alpha_bar,
// size (pixels a side) and sprite (the frames side by side, one PNG).
Explorables.register("noised-digit", function mount(figure, data) {
  var n = data.t.length;
  var uid = "nd-" + Math.random().toString(36).slice(2, 8);
  var still = figure.querySelector("img");
  var caption = figure.querySelector("figcaption");

  var canvas = document.createElement("canvas");
  canvas.width = 360;
  canvas.height = 260;
  canvas.setAttribute("role", "img");
  var ctx = canvas.getContext("2d");

  var controls = document.createElement("div");
  controls.className = "explorable-controls";
  var label = document.createElement("label");
  label.htmlFor = uid;
  label.textContent = "Noise step t";
  var slider = document.createElement("input");
  slider.type = "range";
  slider.id = uid;
  slider.min = 0;
  slider.max = n - 1;
  slider.step = 1;
  slider.value = Math.round((n - 1) / 4);
  var said = document.createElement("p");
  said.setAttribute("aria-live", "polite");
  controls.append(label, slider, said);
  figure.insertBefore(canvas, caption);
  figure.insertBefore(controls, caption);

  var sprite = new Image();
  function fmt(v) { return v.toFixed(2); }

  function draw() {
    var k = Number(slider.value);
    var t = data.t[k], a = data.sqrt_alpha_bar[k], b = data.sqrt_one_minus_alpha_bar[k];
    var text = "t = " + t + " of " + data.T + ": √ᾱₜ = " + fmt(a) + " (share of the digit), √(1 − ᾱₜ) = " + fmt(b) + " (share of the noise)";
    slider.setAttribute("aria-valuetext", "t = " + t);
    said.textContent = text;
    canvas.setAttribute("aria-label", "The digit noised to step " + t + "; " + text);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(sprite, k * data.size, 0, data.size, data.size, 10, 10, 240, 240);
    ctx.strokeStyle = "#777777";
    ctx.strokeRect(10.5, 10.5, 239, 239);
    // the two coefficients as bars from 0 to 1
    var bars = [[a, "#0072B2", "√ᾱ"], [b, "#D55E00", "√(1−ᾱ)"]];
    ctx.font = "14px sans-serif";
    ctx.textAlign = "center";
    bars.forEach(function (bar, i) {
      var x = 272 + i * 46, h = 200 * bar[0];
      ctx.fillStyle = "#eeeeee";
      ctx.fillRect(x, 30, 32, 200);
      ctx.fillStyle = bar[1];
      ctx.fillRect(x, 230 - h, 32, h);
      ctx.fillStyle = "#222222";
      ctx.fillText(fmt(bar[0]), x + 16, 22);
      ctx.fillText(bar[2], x + 16, 250);
    });
  }

  slider.addEventListener("input", draw);
  sprite.onload = function () {
    draw();
    if (still) still.style.display = "none"; // the canvas shows what the still showed, and more
  };
  sprite.src = data.sprite;
});
