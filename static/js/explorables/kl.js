// Forward against reverse KL: fit one Gaussian q = N(μ, σ²) to a two-bump target p.
//
// Data (written by lessons/figures/objectives.py): {kind: "kl", x0, dx, log_p: [log p on
// the grid x0 + i·dx], fits: {forward: {mu, sigma}, reverse: {mu, sigma}}, start: {mu,
// sigma}, mu_range, sigma_range}. Both divergences are the same Riemann sums as the
// figure's Python: KL(p‖q) = Σ p (log p − log q) dx and KL(q‖p) = Σ q (log q − log p) dx.
(function () {
  var SVG = "http://www.w3.org/2000/svg";
  var SKY = "#56B4E9", VERMILION = "#D55E00", INK = "#222222";

  function logNormal(x, mu, sigma) {
    var u = (x - mu) / sigma;
    return -0.5 * u * u - Math.log(sigma * Math.sqrt(2 * Math.PI));
  }

  function divergences(data, mu, sigma) {
    var forward = 0, reverse = 0;
    for (var i = 0; i < data.log_p.length; i++) {
      var x = data.x0 + i * data.dx, lp = data.log_p[i], lq = logNormal(x, mu, sigma);
      forward += Math.exp(lp) * (lp - lq);
      reverse += Math.exp(lq) * (lq - lp);
    }
    return { forward: forward * data.dx, reverse: reverse * data.dx };
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function slider(parent, id, text, min, max, value) {
    var label = document.createElement("label");
    label.htmlFor = id;
    var input = document.createElement("input");
    input.type = "range";
    input.id = id;
    input.min = String(min);
    input.max = String(max);
    input.step = "0.05";
    input.value = String(value);
    var out = document.createElement("output");
    out.htmlFor = id;
    label.append(text + " ", out, input);
    parent.appendChild(label);
    return { input: input, value: out };
  }

  function mount(figure, data) {
    var uid = "kl-" + Math.random().toString(36).slice(2, 8);
    var W = 640, H = 280, top = 12, bottom = 30, xmin = -6, xmax = 6, ymax = 0.65;
    var svg = el("svg", { role: "img", "aria-label": "The target density and the Gaussian q; drag to move q" });
    svg.style.touchAction = "none";
    var controls = document.createElement("div");
    controls.className = "explorable-controls";
    var mu = slider(controls, uid + "-mu", "Mean \u03bc", data.mu_range[0], data.mu_range[1], data.start.mu);
    var sigma = slider(controls, uid + "-sigma", "Spread \u03c3", data.sigma_range[0], data.sigma_range[1], data.start.sigma);
    [["forward", "Fit by KL(p\u2016q)"], ["reverse", "Fit by KL(q\u2016p)"]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = pair[1];
      button.addEventListener("click", function () {
        mu.input.value = String(data.fits[pair[0]].mu);
        sigma.input.value = String(data.fits[pair[0]].sigma);
        draw();
      });
      controls.appendChild(button);
    });
    var live = document.createElement("p");
    live.setAttribute("aria-live", "polite");
    var caption = figure.querySelector("figcaption"), img = figure.querySelector("img");
    figure.insertBefore(svg, caption);
    figure.insertBefore(controls, caption);
    figure.insertBefore(live, caption);
    if (img) img.hidden = true;

    function sx(x) { return (x - xmin) / (xmax - xmin) * W; }
    function sy(y) { return top + (H - top - bottom) * (1 - Math.min(y, ymax) / ymax); }
    function curve(f) {
      var d = "", n = 240;
      for (var i = 0; i <= n; i++) {
        var x = xmin + (xmax - xmin) * i / n;
        d += (i ? "L" : "M") + sx(x).toFixed(1) + "," + sy(f(x)).toFixed(1);
      }
      return d;
    }
    function target(x) {
      var i = Math.round((x - data.x0) / data.dx);
      return i < 0 || i >= data.log_p.length ? 0 : Math.exp(data.log_p[i]);
    }

    function draw() {
      var m = Number(mu.input.value), s = Number(sigma.input.value);
      // Draw in CSS pixels of the card's width, so the text stays readable on a phone.
      W = Math.max(300, Math.min(640, figure.clientWidth - 24));
      H = Math.round(W * 0.55);
      svg.setAttribute("viewBox", "0 0 " + W + " " + H);
      mu.value.textContent = m.toFixed(2);
      sigma.value.textContent = s.toFixed(2);
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      el("path", { d: curve(target) + "L" + sx(xmax) + "," + sy(0) + "L" + sx(xmin) + "," + sy(0) + "Z", fill: SKY, "fill-opacity": 0.5 }, svg);
      el("path", { d: curve(function (x) { return Math.exp(logNormal(x, m, s)); }), fill: "none", stroke: VERMILION, "stroke-width": 3 }, svg);
      el("line", { x1: 0, x2: W, y1: sy(0), y2: sy(0), stroke: INK }, svg);
      for (var x = xmin + 2; x < xmax; x += 2) {
        el("text", { x: sx(x), y: H - 8, "text-anchor": "middle", "font-size": 14, fill: INK }, svg).textContent = String(x);
      }
      el("text", { x: W - 8, y: 24, "text-anchor": "end", "font-size": 15, fill: "#1a6f99" }, svg).textContent = "target p";
      el("text", { x: W - 8, y: 44, "text-anchor": "end", "font-size": 15, fill: VERMILION }, svg).textContent = "Gaussian q (drag me)";
      var kl = divergences(data, m, s);
      live.textContent = "\u03bc " + m.toFixed(2) + ", \u03c3 " + s.toFixed(2) + ": KL(p\u2016q) = " + kl.forward.toFixed(2) +
        ", KL(q\u2016p) = " + kl.reverse.toFixed(2) + ".";
    }

    var dragging = false;
    function dragTo(event) {
      var box = svg.getBoundingClientRect();
      var x = xmin + (event.clientX - box.left) / box.width * (xmax - xmin);
      mu.input.value = String(Math.max(data.mu_range[0], Math.min(data.mu_range[1], x)));
      draw();
    }
    svg.addEventListener("pointerdown", function (event) { dragging = true; svg.setPointerCapture(event.pointerId); dragTo(event); });
    svg.addEventListener("pointermove", function (event) { if (dragging) dragTo(event); });
    svg.addEventListener("pointerup", function () { dragging = false; });
    [mu.input, sigma.input].forEach(function (input) { input.addEventListener("input", draw); });
    draw();
  }

  mount.divergences = divergences; // the sums, for tests that check them against an integral
  window.Explorables.register("kl", mount);
})();
