// Explorables: small interactive figures in lessons, drawn from precomputed data.
//
// The lesson's Markdown renderer marks one as
//   <figure class="explorable" data-explorable="/paths/<slug>/figures/<name>.json?v=…">
//     <img …>  (the still, for readers without JavaScript)  <figcaption>…</figcaption>
//   </figure>
// This loader fetches that JSON, loads static/js/explorables/<kind>.js once per kind
// (beside this file; <kind> is the JSON's "kind"), and calls the function the widget
// registered with Explorables.register(kind, mount) as mount(figure, data). It looks
// on page load and in every fragment htmx swaps in (the editor's live preview), and
// mounts each figure once. A figure whose data or widget fails keeps its still image.
(function () {
  var KIND = /^[a-z0-9][a-z0-9-]*$/;
  var mounts = {}; // kind → mount function, once its script ran
  var loading = {}; // kind → Promise of its mount function
  var script = document.currentScript;
  var base = script ? script.src.replace(/explorables(\.[0-9a-f]+)?\.js(\?.*)?$/, "explorables/") : "";

  function register(kind, mount) {
    if (!KIND.test(kind) || typeof mount !== "function") throw new Error("Explorables.register(kind, mount)");
    mounts[kind] = mount;
  }

  function widget(kind) {
    if (mounts[kind]) return Promise.resolve(mounts[kind]);
    if (!loading[kind]) {
      loading[kind] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = base + kind + ".js";
        tag.async = true;
        tag.onload = function () {
          if (mounts[kind]) resolve(mounts[kind]);
          else reject(new Error("explorables/" + kind + ".js did not register " + kind));
        };
        tag.onerror = function () {
          delete loading[kind]; // a later page may try again
          reject(new Error("cannot load explorables/" + kind + ".js"));
        };
        document.head.appendChild(tag);
      });
    }
    return loading[kind];
  }

  function mountOne(figure) {
    figure.setAttribute("data-explorable-state", "loading");
    return fetch(figure.getAttribute("data-explorable"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (!data || typeof data.kind !== "string" || !KIND.test(data.kind)) throw new Error("no kind");
        return widget(data.kind).then(function (mount) {
          // Pico's light theme inside the white card, so controls read on white in dark mode too.
          figure.setAttribute("data-theme", "light");
          mount(figure, data);
          figure.setAttribute("data-explorable-state", "ready");
        });
      })
      .catch(function (error) {
        figure.setAttribute("data-explorable-state", "failed"); // the still image stays
        if (window.console) console.warn("explorable", figure.getAttribute("data-explorable"), error);
      });
  }

  function scan(root) {
    var figures = (root || document).querySelectorAll("figure[data-explorable]:not([data-explorable-state])");
    return Promise.all(Array.prototype.map.call(figures, mountOne));
  }

  window.Explorables = { register: register, scan: scan };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.target && event.target.isConnected ? event.target : document;
    scan(root);
  });
})();
