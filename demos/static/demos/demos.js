// The Lab's small script: htmx swaps form errors (400) and "too many runs" (429) into
// the page, and the flow's density map answers a click with that point's log p.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      htmx.config.responseHandling = [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "400|429", swap: true },
        { code: "[45]..", swap: false, error: true },
      ];
    }
  });

  // On a phone the result lands below the form: bring the new run into view.
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target.querySelector && event.detail.target.querySelector(".run-panel");
    if (!panel || !event.detail.requestConfig || event.detail.requestConfig.verb !== "post") return;
    var box = panel.getBoundingClientRect();
    if (box.top > window.innerHeight || box.bottom < 0) panel.scrollIntoView({ behavior: "smooth" });
  });

  // Bilinear look-up of log p in the grid the flow computed (row 0 is the top).
  function logDensityAt(data, x, y) {
    var e = data.extent, g = data.grid, n = g.length, m = g[0].length;
    var fx = (x - e[0]) / (e[1] - e[0]) * (m - 1);
    var fy = (e[3] - y) / (e[3] - e[2]) * (n - 1);
    if (fx < 0 || fy < 0 || fx > m - 1 || fy > n - 1) return null;
    var i = Math.min(Math.floor(fy), n - 2), j = Math.min(Math.floor(fx), m - 2);
    var a = fy - i, b = fx - j;
    return (1 - a) * ((1 - b) * g[i][j] + b * g[i][j + 1]) + a * ((1 - b) * g[i + 1][j] + b * g[i + 1][j + 1]);
  }

  // Where a click on a plot falls, in the plot's data coordinates.
  function dataPoint(svg, event) {
    var box = svg.getBoundingClientRect();
    var size = svg.viewBox.baseVal.width, pad = Number(svg.dataset.pad);
    var ext = svg.dataset.extent.split(",").map(Number);
    var px = (event.clientX - box.left) / box.width * size;
    var py = (event.clientY - box.top) / box.height * size;
    return [
      ext[0] + (px - pad) / (size - 2 * pad) * (ext[1] - ext[0]),
      ext[3] - (py - pad) / (size - 2 * pad) * (ext[3] - ext[2]),
    ];
  }

  // The VAE's latent plane: a click decodes that point (fills z1, z2 and submits).
  document.addEventListener("click", function (event) {
    var svg = event.target.closest(".latent-pick svg.plot");
    if (!svg) return;
    var form = svg.closest(".demo").querySelector("form.demo-form");
    var p = dataPoint(svg, event).map(function (v) { return Math.max(-3, Math.min(3, v)).toFixed(2); });
    form.querySelector("[name=z1]").value = p[0];
    form.querySelector("[name=z2]").value = p[1];
    form.requestSubmit();
  });

  document.addEventListener("click", function (event) {
    var svg = event.target.closest(".density svg.plot");
    if (!svg) return;
    var figure = svg.closest("figure");
    var data = JSON.parse(figure.querySelector(".density-data").textContent);
    var xy = dataPoint(svg, event), x = xy[0], y = xy[1];
    var lp = logDensityAt(data, x, y);
    var out = figure.querySelector(".density-readout");
    out.textContent = lp === null
      ? "Outside the map."
      : "log p(" + x.toFixed(2) + ", " + y.toFixed(2) + ") = " + lp.toFixed(2) +
        " (density " + Math.exp(lp).toPrecision(2) + ")";
  });
})();
