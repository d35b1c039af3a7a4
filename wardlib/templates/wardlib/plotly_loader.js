/* wardlib: makes plotly.js ready for the charts of this page, offline, and sets
   window.wardlibPlotly, a promise of the Plotly object.
   - single file: plotly.min.js travels in #wardlib-plotly, gzip-compressed and
     base64-encoded; it is unpacked here with the browser's DecompressionStream
     (or the small inflate below where that is missing) and run as an inline
     script. The charts' own scripts, which call Plotly.newPlot while the page is
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

  function gunzipHere(bytes) {
    // The gzip wrapper (RFC 1952) around deflate data; the last 4 bytes give the unpacked size.
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b || bytes[2] !== 8) throw new Error("wardlib: not gzip data");
    var flags = bytes[3], pos = 10, end = bytes.length;
    if (flags & 4) pos += 2 + (bytes[pos] | (bytes[pos + 1] << 8));
    if (flags & 8) while (bytes[pos++] !== 0) {}
    if (flags & 16) while (bytes[pos++] !== 0) {}
    if (flags & 2) pos += 2;
    var size = (bytes[end - 4] | (bytes[end - 3] << 8) | (bytes[end - 2] << 16) | (bytes[end - 1] << 24)) >>> 0;
    return new TextDecoder("utf-8").decode(inflate(bytes.subarray(pos, end - 8), size));
  }

  // Raw deflate (RFC 1951) after zlib's puff.c: only for browsers without DecompressionStream.
  var LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
               163, 195, 227, 258];
  var LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  var DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
               2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
  var DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
  var ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

  function inflate(src, size) {
    var out = new Uint8Array(size), len = 0, pos = 0, buf = 0, cnt = 0;

    function bits(n) {
      while (cnt < n) {
        if (pos >= src.length) throw new Error("wardlib: truncated deflate data");
        buf |= src[pos++] << cnt;
        cnt += 8;
      }
      var v = buf & ((1 << n) - 1);
      buf >>>= n;
      cnt -= n;
      return v;
    }
    function table(lengths, from, n) {
      var count = new Uint16Array(16), offs = new Uint16Array(16), symbol = new Uint16Array(n), i;
      for (i = 0; i < n; i++) count[lengths[from + i]]++;
      count[0] = 0;
      for (i = 1; i < 16; i++) offs[i] = offs[i - 1] + count[i - 1];
      for (i = 0; i < n; i++) if (lengths[from + i]) symbol[offs[lengths[from + i]]++] = i;
      return {count: count, symbol: symbol};
    }
    function decode(h) {
      var code = 0, first = 0, index = 0;
      for (var l = 1; l < 16; l++) {
        code |= bits(1);
        var c = h.count[l];
        if (code - c < first) return h.symbol[index + (code - first)];
        index += c;
        first = (first + c) << 1;
        code <<= 1;
      }
      throw new Error("wardlib: bad deflate code");
    }
    function put(b) {
      if (len >= out.length) {
        var bigger = new Uint8Array(out.length * 2 + 65536);
        bigger.set(out);
        out = bigger;
      }
      out[len++] = b;
    }

    var fixedLit = null, fixedDist = null, last;
    do {
      last = bits(1);
      var type = bits(2), lit, dist, i;
      if (type === 0) {
        buf = cnt = 0;  // a stored block starts on a byte boundary
        var n = src[pos] | (src[pos + 1] << 8);
        if (pos + 4 + n > src.length) throw new Error("wardlib: truncated deflate data");
        pos += 4;
        for (i = 0; i < n; i++) put(src[pos++]);
        continue;
      } else if (type === 1) {
        if (!fixedLit) {
          var l = new Uint8Array(288 + 30);
          for (i = 0; i < 144; i++) l[i] = 8;
          for (; i < 256; i++) l[i] = 9;
          for (; i < 280; i++) l[i] = 7;
          for (; i < 288; i++) l[i] = 8;
          for (; i < 318; i++) l[i] = 5;
          fixedLit = table(l, 0, 288);
          fixedDist = table(l, 288, 30);
        }
        lit = fixedLit;
        dist = fixedDist;
      } else if (type === 2) {
        var nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
        var lengths = new Uint8Array(320);
        for (i = 0; i < ncode; i++) lengths[ORDER[i]] = bits(3);
        var lencode = table(lengths, 0, 19);
        lengths = new Uint8Array(320);
        for (i = 0; i < nlen + ndist;) {
          var sym = decode(lencode), rep, value = 0;
          if (sym < 16) {
            lengths[i++] = sym;
            continue;
          }
          if (sym === 16) {
            if (i === 0) throw new Error("wardlib: bad deflate lengths");
            value = lengths[i - 1];
            rep = 3 + bits(2);
          } else if (sym === 17) {
            rep = 3 + bits(3);
          } else {
            rep = 11 + bits(7);
          }
          if (i + rep > nlen + ndist) throw new Error("wardlib: bad deflate lengths");
          while (rep--) lengths[i++] = value;
        }
        lit = table(lengths, 0, nlen);
        dist = table(lengths, nlen, ndist);
      } else {
        throw new Error("wardlib: bad deflate block type");
      }
      for (;;) {
        var s = decode(lit);
        if (s < 256) {
          put(s);
        } else if (s === 256) {
          break;
        } else {
          s -= 257;
          if (s >= 29) throw new Error("wardlib: bad deflate length");
          var length = LBASE[s] + bits(LEXT[s]);
          var d = decode(dist);
          if (d >= 30) throw new Error("wardlib: bad deflate distance");
          var back = DBASE[d] + bits(DEXT[d]);
          if (back > len) throw new Error("wardlib: deflate distance too far back");
          while (length--) put(out[len - back]);
        }
      }
    } while (!last);
    return len === out.length ? out : out.subarray(0, len);
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
      if (typeof DecompressionStream !== "function") return gunzipHere(bytes);
      return gunzipNative(bytes).catch(function () { return gunzipHere(bytes); });
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
