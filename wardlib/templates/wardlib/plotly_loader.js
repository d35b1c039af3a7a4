/* wardlib: makes plotly.js ready for the charts of this page, offline, and sets
   window.wardlibPlotly, a promise of the Plotly object.
   - single file: plotly.min.js travels in #wardlib-plotly, gzip-compressed and
     base64-encoded; it is unpacked here with the browser's DecompressionStream
     and run as an inline script (a browser without it shows why each chart is
     missing: no decoder of our own). The charts' own scripts, which call Plotly.newPlot while the page is
     still being read, go to a stand-in that waits for the real plotly.js.
   - site: plotly.min.js came from the shared assets folder just before this
     script; if that file is missing, each chart says so instead of staying blank.
   No network: nothing here fetches anything but the page's own bytes.
   Timings: performance.getEntriesByName("wardlib-plotly") (load to ready), and in single
   files "wardlib-plotly-unpack" (base64 + gunzip) and "wardlib-plotly-run" (plotly.js itself). */
(function () {
  "use strict";
  performance.mark("wardlib-plotly-start");
  var TEXT = {
    vi: {payload: "Không vẽ được biểu đồ: trình duyệt này không mở được thư viện biểu đồ gói trong báo cáo.",
         asset: "Không vẽ được biểu đồ: thiếu tệp plotly.min.js trong thư mục assets đi kèm báo cáo."},
    en: {payload: "The chart cannot be drawn: this browser could not unpack the chart library inside the report.",
         asset: "The chart cannot be drawn: plotly.min.js is missing from the assets folder that comes with the report."}
  };
  var text = TEXT[document.documentElement.lang] || TEXT.en;
  var METHODS = ["newPlot", "react", "relayout", "restyle", "update", "addTraces", "deleteTraces", "purge"];

  function showFailure(message) {
    // Every chart, drawn already or still to come, shows the message instead of a blank box.
    function mark() {
      var divs = document.querySelectorAll(".plotly-graph-div");
      for (var i = 0; i < divs.length; i++) {
        if (!divs[i].querySelector(".main-svg") && !divs[i].getAttribute("data-wardlib-failed")) {
          divs[i].setAttribute("data-wardlib-failed", "1");
          divs[i].className += " wl-chart-failed";
          divs[i].style.cssText += ";display:flex;align-items:center;justify-content:center;padding:1em;" +
            "text-align:center;color:#5d6b7a;border:1px dashed #d9dee4;box-sizing:border-box";
          divs[i].textContent = message;
        }
      }
    }
    mark();
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  }

  function bytesOf(base64) {
    var s = atob(base64), n = s.length, a = new Uint8Array(n);
    for (var i = 0; i < n; i++) a[i] = s.charCodeAt(i);
    return a;
  }

  function gunzipNative(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  function run(source) {
    // As an inline script, like a <script> in the page: global scope, plotly sets window.Plotly.
    var script = document.createElement("script");
    script.text = source;
    document.head.appendChild(script);
    document.head.removeChild(script);
  }

  var payload = document.getElementById("wardlib-plotly");
  var ready;
  if (payload) {
    var stub = {};
    METHODS.forEach(function (name) {
      stub[name] = function () {
        var args = arguments;
        return window.wardlibPlotly.then(function (P) { return P[name].apply(P, args); }, function () {});
      };
    });
    window.Plotly = stub;
    ready = Promise.resolve().then(function () {
      var bytes = bytesOf(payload.textContent.replace(/\s+/g, ""));
      // Every current browser has DecompressionStream (Chrome 80, Firefox 113, Safari 16.4); an
      // older one gets the "cannot be drawn" message in place of each chart, never a blank box.
      if (typeof DecompressionStream !== "function") throw new Error("wardlib: this browser has no DecompressionStream");
      return gunzipNative(bytes);
    }).then(function (source) {
      performance.mark("wardlib-plotly-unpacked");
      performance.measure("wardlib-plotly-unpack", "wardlib-plotly-start", "wardlib-plotly-unpacked");
      run(source);
      performance.measure("wardlib-plotly-run", "wardlib-plotly-unpacked");
      if (!window.Plotly || window.Plotly === stub || typeof window.Plotly.newPlot !== "function") {
        throw new Error("wardlib: plotly.js did not start");
      }
      return window.Plotly;
    });
  } else if (window.Plotly && typeof window.Plotly.newPlot === "function") {
    ready = Promise.resolve(window.Plotly);
  } else {
    ready = Promise.reject(new Error("wardlib: plotly.min.js is missing from the assets folder"));
    var missing = {};
    METHODS.forEach(function (name) { missing[name] = function () { return ready.catch(function () {}); }; });
    window.Plotly = missing;
  }
  window.wardlibPlotly = ready;
  ready.then(function () {
    performance.measure("wardlib-plotly", "wardlib-plotly-start");
  }, function (err) {
    console.error(err);
    showFailure(payload ? text.payload : text.asset);
  });
})();
