// Temperature, top-k and top-p over our text model's real next-character logits.
//
// Data (written by lessons/figures/sampling.py): {kind: "temperature", tokens: [label per
// vocabulary entry], shown: bars to draw, defaults: {temperature, top_k, top_p},
// prompts: [{prompt, logits: [one per token]}]}. The filter is the one the sampler uses
// (generators/autoregressive.py filter_logits): divide by T, keep the k largest, then the
// smallest set whose mass reaches p; the bars are the renormalised probabilities.
(function () {
  var SVG = "http://www.w3.org/2000/svg";
  var BLUE = "#0072B2", MUTED = "#767676", INK = "#222222";

  function softmax(z) {
    var top = -Infinity, i, out = [], sum = 0;
    for (i = 0; i < z.length; i++) if (z[i] > top) top = z[i];
    for (i = 0; i < z.length; i++) {
      out[i] = z[i] === -Infinity ? 0 : Math.exp(z[i] - top);
      sum += out[i];
    }
    for (i = 0; i < z.length; i++) out[i] /= sum;
    return out;
  }

  // The probabilities the sampler draws from, and the T-scaled distribution before cutting.
  function decode(logits, temperature, topK, topP) {
    var z = logits.map(function (v) { return v / temperature; });
    var before = softmax(z);
    if (topK > 0 && topK < z.length) {
      var kth = z.slice().sort(function (a, b) { return b - a; })[topK - 1];
      z = z.map(function (v) { return v < kth ? -Infinity : v; });
    }
    if (topP < 1) {
      var probs = softmax(z);
      var order = z.map(function (_, i) { return i; }).sort(function (a, b) { return z[b] - z[a]; });
      var mass = 0;
      order.forEach(function (i) {
        if (mass >= topP) z[i] = -Infinity; // keep the smallest set with mass \u2265 p
        mass += probs[i];
      });
    }
    return { before: before, after: softmax(z) };
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function control(parent, id, text, attrs) {
    var label = document.createElement("label");
    label.htmlFor = id;
    var input = document.createElement("input");
    input.type = "range";
    input.id = id;
    Object.keys(attrs).forEach(function (key) { input.setAttribute(key, attrs[key]); });
    var value = document.createElement("output");
    value.htmlFor = id;
    label.append(text + " ", value, input);
    parent.appendChild(label);
    return { input: input, value: value };
  }

  function mount(figure, data) {
    var uid = "temp-" + Math.random().toString(36).slice(2, 8);
    var W = 640, H = 300, left = 44, bottom = 34, top = 16;
    var svg = el("svg", { role: "img", "aria-label": "Bar chart of the next-character probabilities" });
    var controls = document.createElement("div");
    controls.className = "explorable-controls";

    var promptLabel = document.createElement("label");
    promptLabel.htmlFor = uid + "-prompt";
    promptLabel.textContent = "Prompt ";
    var select = document.createElement("select");
    select.id = uid + "-prompt";
    select.style.paddingRight = "2.2rem"; // room for the arrow
    data.prompts.forEach(function (p, i) {
      var option = document.createElement("option");
      option.value = String(i);
      option.textContent = "\u201c\u2026" + p.prompt.slice(-28) + "\u201d";
      select.appendChild(option);
    });
    promptLabel.appendChild(select);
    controls.appendChild(promptLabel);
    var t = control(controls, uid + "-t", "Temperature T", { min: "0.1", max: "2", step: "0.05", value: String(data.defaults.temperature) });
    var k = control(controls, uid + "-k", "Top-k", { min: "0", max: "30", step: "1", value: String(data.defaults.top_k) });
    var p = control(controls, uid + "-p", "Top-p", { min: "0.05", max: "1", step: "0.01", value: String(data.defaults.top_p) });
    var live = document.createElement("p");
    live.setAttribute("aria-live", "polite");

    var img = figure.querySelector("img");
    var caption = figure.querySelector("figcaption");
    figure.insertBefore(svg, caption);
    figure.insertBefore(controls, caption);
    figure.insertBefore(live, caption);
    if (img) img.hidden = true;

    function draw() {
      var prompt = data.prompts[Number(select.value)];
      var T = Number(t.input.value), K = Number(k.input.value), P = Number(p.input.value);
      t.value.textContent = T.toFixed(2);
      k.value.textContent = K === 0 ? "off" : String(K);
      p.value.textContent = P.toFixed(2);
      var base = decode(prompt.logits, 1, 0, 1).after;
      var order = base.map(function (_, i) { return i; }).sort(function (a, b) { return base[b] - base[a]; }).slice(0, data.shown);
      var result = decode(prompt.logits, T, K, P);
      var kept = 0, count = 0, entropy = 0;
      result.after.forEach(function (q, i) {
        if (q > 0) {
          kept += result.before[i];
          count += 1;
          entropy -= q * Math.log2(q);
        }
      });
      // Draw in CSS pixels of the card's width, so the text stays readable on a phone.
      W = Math.max(300, Math.min(640, figure.clientWidth - 24));
      H = Math.round(W * 0.45);
      svg.setAttribute("viewBox", "0 0 " + W + " " + H);
      var ymax = Math.max(0.1, Math.ceil(Math.max.apply(null, order.map(function (i) { return result.after[i]; })) * 10) / 10);
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      var plotH = H - top - bottom, slot = (W - left) / order.length;
      [0, ymax / 2, ymax].forEach(function (v) {
        var y = top + plotH * (1 - v / ymax);
        el("line", { x1: left, x2: W, y1: y, y2: y, stroke: "#dddddd" }, svg);
        el("text", { x: left - 6, y: y + 4, "text-anchor": "end", "font-size": 13, fill: INK }, svg).textContent = v.toFixed(2);
      });
      order.forEach(function (i, n) {
        var q = result.after[i], h = plotH * q / ymax, x = left + n * slot + slot * 0.15;
        el("rect", { x: x, y: top + plotH - h, width: slot * 0.7, height: Math.max(h, 0), fill: q > 0 ? BLUE : MUTED }, svg);
        el("text", { x: x + slot * 0.35, y: H - bottom + 20, "text-anchor": "middle", "font-size": 16, "font-family": "monospace", fill: q > 0 ? INK : MUTED }, svg).textContent = data.tokens[i];
        if (q === 0) el("text", { x: x + slot * 0.35, y: top + plotH - 4, "text-anchor": "middle", "font-size": 13, fill: MUTED }, svg).textContent = "\u00d7";
      });
      var best = order.reduce(function (a, b) { return result.after[b] > result.after[a] ? b : a; });
      live.textContent = "T " + T.toFixed(2) + ", top-k " + (K === 0 ? "off" : K) + ", top-p " + P.toFixed(2) +
        ": " + count + " of " + base.length + " characters kept, holding " + (100 * kept).toFixed(1) +
        "% of the mass; entropy " + entropy.toFixed(2) + " bits; most likely \u201c" + data.tokens[best] + "\u201d " +
        (100 * result.after[best]).toFixed(1) + "%.";
    }

    [select, t.input, k.input, p.input].forEach(function (input) { input.addEventListener("input", draw); });
    draw();
  }

  mount.decode = decode; // the filter, for tests that check it against the sampler's
  window.Explorables.register("temperature", mount);
})();
