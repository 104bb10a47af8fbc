// A normalizing flow warping two moons into a Gaussian, one step (ActNorm → swap →
// affine coupling) at a time: a slider over the steps. Data (lessons/figures/flow.py):
// labels (one per frame), frames (each a list of [x, y]), groups (per point: which
// moon), colours and group_names.
Explorables.register("coupling-layers", function mount(figure, data) {
  var n = data.frames.length;
  var uid = "cl-" + Math.random().toString(36).slice(2, 8);
  var still = figure.querySelector("img");
  var caption = figure.querySelector("figcaption");
  var SIZE = 320, PAD = 16;

  var canvas = document.createElement("canvas");
  canvas.width = canvas.height = SIZE;
  canvas.setAttribute("role", "img");
  var controls = document.createElement("div");
  controls.className = "explorable-controls";
  var label = document.createElement("label");
  label.htmlFor = uid;
  label.textContent = "Flow steps applied";
  var slider = document.createElement("input");
  slider.type = "range";
  slider.id = uid;
  slider.min = 0;
  slider.max = n - 1;
  slider.step = 1;
  slider.value = 0;
  var legend = document.createElement("p");
  data.group_names.forEach(function (name, k) {
    var dot = document.createElement("span");
    dot.textContent = "● ";
    dot.style.color = data.colours[k];
    legend.append(dot, name + (k + 1 < data.group_names.length ? "   " : ""));
  });
  var said = document.createElement("p");
  said.setAttribute("aria-live", "polite");
  controls.append(label, slider, legend, said);
  figure.insertBefore(canvas, caption);
  figure.insertBefore(controls, caption);

  function draw() {
    var k = Number(slider.value), pts = data.frames[k];
    // fit this frame: the same scale on both axes, so shapes keep their proportions
    var xs = pts.map(function (p) { return p[0]; }), ys = pts.map(function (p) { return p[1]; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var span = Math.max(x1 - x0, y1 - y0) || 1, cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    var scale = (SIZE - 2 * PAD) / span;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, SIZE, SIZE);
    pts.forEach(function (p, i) {
      ctx.fillStyle = data.colours[data.groups[i]];
      ctx.beginPath();
      ctx.arc(SIZE / 2 + (p[0] - cx) * scale, SIZE / 2 - (p[1] - cy) * scale, 2.2, 0, 2 * Math.PI);
      ctx.fill();
    });
    var text = data.labels[k] + " (" + k + " of " + (n - 1) + " steps); x from " + x0.toFixed(1) + " to " + x1.toFixed(1) + ", y from " + y0.toFixed(1) + " to " + y1.toFixed(1);
    slider.setAttribute("aria-valuetext", data.labels[k]);
    said.textContent = text;
    canvas.setAttribute("aria-label", "The points " + text);
  }
  slider.addEventListener("input", draw);
  draw();
  if (still) still.style.display = "none";
});
