// Attention weights of our text Transformer on a real sentence.
//
// Data (written by lessons/figures/transformer.py): {kind: "attention", tokens: [one per
// character], layers, heads, still: {layer, head}, weights[l][h][i] = the weights query i
// gives to keys 0..i}. Pick a layer and head, and a reading character (slider, or hover
// or click a character) to shade the characters it reads from.
(function () {
  function select(parent, id, text, count, value) {
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = text + " ";
    var box = document.createElement("select");
    box.id = id;
    box.style.paddingRight = "2.2rem"; // room for the arrow
    for (var i = 0; i < count; i++) {
      var option = document.createElement("option");
      option.value = String(i);
      option.textContent = String(i + 1);
      box.appendChild(option);
    }
    box.value = String(value);
    label.appendChild(box);
    parent.appendChild(label);
    return box;
  }

  function shown(token) { return token === " " ? "\u2423" : token; }

  function mount(figure, data) {
    var uid = "attn-" + Math.random().toString(36).slice(2, 8);
    var query = data.tokens.length - 2; // start one before the end, so both arrows move
    var row = document.createElement("div");
    row.setAttribute("aria-hidden", "true"); // the slider and the live text carry the same
    row.style.cssText = "display:flex;flex-wrap:wrap;gap:2px;font:1.25rem/1.6 monospace;color:#222;padding:.25rem 0";
    var cells = data.tokens.map(function (token, i) {
      var cell = document.createElement("span");
      cell.textContent = shown(token);
      cell.style.cssText = "display:inline-block;min-width:1.1em;text-align:center;border-radius:3px;cursor:pointer";
      cell.addEventListener("mouseenter", function () { query = i; draw(); });
      cell.addEventListener("click", function () { query = i; draw(); });
      row.appendChild(cell);
      return cell;
    });
    var controls = document.createElement("div");
    controls.className = "explorable-controls";
    var position = document.createElement("label");
    position.htmlFor = uid + "-position";
    position.textContent = "Reading character ";
    var slider = document.createElement("input");
    slider.type = "range";
    slider.id = uid + "-position";
    slider.min = "0";
    slider.max = String(data.tokens.length - 1);
    slider.step = "1";
    slider.value = String(query);
    position.appendChild(slider);
    controls.appendChild(position);
    var layer = select(controls, uid + "-layer", "Layer", data.layers, data.still.layer);
    var head = select(controls, uid + "-head", "Head", data.heads, data.still.head);
    var live = document.createElement("p");
    live.setAttribute("aria-live", "polite");
    var caption = figure.querySelector("figcaption"), img = figure.querySelector("img");
    figure.insertBefore(row, caption);
    figure.insertBefore(controls, caption);
    figure.insertBefore(live, caption);
    if (img) img.hidden = true;

    function draw() {
      slider.value = String(query);
      var weights = data.weights[Number(layer.value)][Number(head.value)][query];
      cells.forEach(function (cell, j) {
        var w = j < weights.length ? weights[j] : 0;
        // At most 75% blue under dark ink keeps the text at AA contrast.
        cell.style.background = "rgba(0, 114, 178, " + (0.75 * w).toFixed(3) + ")";
        cell.style.color = j > query ? "#767676" : "#222";
        cell.style.outline = j === query ? "2px solid #D55E00" : "none";
      });
      var top = weights.map(function (w, j) { return [w, j]; }).sort(function (a, b) { return b[0] - a[0]; }).slice(0, 3);
      live.textContent = "Layer " + (Number(layer.value) + 1) + ", head " + (Number(head.value) + 1) + ": \u201c" +
        shown(data.tokens[query]) + "\u201d (position " + (query + 1) + ") reads most from " +
        top.map(function (pair) { return "\u201c" + shown(data.tokens[pair[1]]) + "\u201d at " + (pair[1] + 1) + " (" + pair[0].toFixed(2) + ")"; }).join(", ") + ".";
    }

    slider.addEventListener("input", function () { query = Number(slider.value); draw(); });
    [layer, head].forEach(function (box) { box.addEventListener("change", draw); });
    draw();
  }

  window.Explorables.register("attention", mount);
})();
