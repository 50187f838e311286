/* smartspec dashboard: draws the page's charts (vega-embed), lets each chart be downloaded as
   PNG or SVG, makes tables sortable and the print button work. Everything the script needs comes
   from the page: the chart specs and the translated strings in the JSON block #page-data. No
   request leaves the server that sent the page. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var strings = data.js.strings;
  var lang = document.documentElement.lang || "en";
  var drawn = {};  // chart id -> {el, spec} once drawn: what the download buttons export
  function t(s) { return strings[s] || s; }

  // Vega-Lite draws a text where it is told. The names a chart writes next to some of its points
  // (its layers named "point_labels" and "point_labels_halo", placed by an estimate in the
  // spec) are placed here by Vega's label transform instead, on the chart as drawn: around
  // their point, clear of every point, of the corner texts and of each other; a name with no
  // free place is not shown.
  function placePointLabels(vg) {
    var marks = vg.marks || [], halo = null, text = null, points = null, avoid = [];
    marks.forEach(function (m) {
      if (m.name === "point_labels_halo_marks") halo = m;
      else if (m.name === "point_labels_marks") text = m;
      else if (/^corner_\d+_marks$/.test(m.name || "")) avoid.push(m.name);
      else if (!points && m.type === "symbol" && String(m.style).indexOf("point") >= 0) points = m;
    });
    if (!halo || !text || !points) return vg;
    var font = { fontSize: { value: 11 }, fontWeight: { value: 600 } };
    halo.from = { data: points.name };
    halo.encode = { update: Object.assign({
      text: { signal: "isValid(datum.datum.label) ? datum.datum.label : ''" },
      fill: { value: "#fff" }, stroke: { value: "#fff" }, strokeWidth: { value: 3 },
      strokeOpacity: { value: 0.9 }
    }, font) };
    var around = ["right", "left", "top", "bottom", "top-right", "bottom-right", "top-left",
                  "bottom-left"];
    halo.transform = [{  // next to the point, else a little further away
      type: "label", size: { signal: "[max(1, width), max(1, height)]" }, avoidMarks: avoid,
      anchor: around.concat(around),
      offset: around.map(function () { return 3; }).concat(around.map(function () { return 14; }))
    }];
    text.from = { data: halo.name };
    text.encode = { update: Object.assign({
      text: { field: "text" }, x: { field: "x" }, y: { field: "y" }, align: { field: "align" },
      baseline: { field: "baseline" }, opacity: { field: "opacity" }, fill: { value: "#111" }
    }, font) };
    delete text.transform;
    return vg;
  }

  function options(loader) {
    return {
      actions: false,
      patch: placePointLabels,
      // The Content-Security-Policy allows no inline script, eval or inline style: Vega
      // expressions run in vega-embed's interpreter (ast) instead of new Function, and the
      // styles vega-embed and its tooltip would inject as <style> are in app.css.
      ast: true,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true },
      renderer: "svg",
      loader: loader,
      formatLocale: data.js.locale,
      timeFormatLocale: data.js.timeLocale
    };
  }

  function isVega(spec) { return String(spec.$schema || "").indexOf("/vega/") >= 0; }

  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") return;
    var loader = window.vega.loader({ target: "_self" });
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var id = el.getAttribute("data-chart");
      var spec = data.charts[id];
      if (!spec) return;
      var original = JSON.parse(JSON.stringify(spec));
      delete spec.title;  // the page shows it as the figure's caption
      if (isVega(spec)) {
        spec.width = Math.max(320, el.clientWidth - 20);  // Vega specs have a fixed width
      }
      window.vegaEmbed(el, spec, options(loader)).then(function () {
        el.classList.add("drawn");
        var loading = el.querySelector(".loading");
        if (loading) loading.remove();
        drawn[id] = { el: el, spec: original, loader: loader };
        var tools = document.getElementById("export-" + id);
        if (tools) tools.hidden = false;
      }).catch(function (err) {
        el.classList.add("failed");
        el.innerHTML = "";
        var p = document.createElement("p");
        p.className = "notice";
        p.textContent = t("Chart could not be drawn; the data table below shows the same values.");
        el.appendChild(p);
        if (window.console) console.error(err);
      });
    });
  }

  /* ------------------------------------------------------------ downloads (PNG, SVG) */
  function fileName(id) {
    var parts = location.pathname.split("/").filter(function (s) { return s && s !== "datasets"; });
    var period = new URLSearchParams(location.search).get("period");
    var name = ["smartspec"].concat(parts.map(decodeURIComponent), period ? [period] : [], [id])
      .join("-").replace(/[^A-Za-z0-9_.-]+/g, "_");
    return name.slice(0, 120);
  }

  // The chart drawn again off the page with its caption as title (the page shows the title as
  // the figure's caption, not in the chart), at the width it has on the page; its Vega view
  // gives the image: vega-embed's own export, behind buttons that work from the keyboard too.
  function imageURL(id, format) {
    var entry = drawn[id];
    var spec = JSON.parse(JSON.stringify(entry.spec));
    var caption = document.getElementById("cap-" + id);
    var title = caption ? caption.textContent.trim() : "";
    var width = Math.max(320, entry.el.clientWidth - 20);
    if (isVega(spec)) {
      spec.width = width;
    } else if (spec.width === "container") {  // the whole picture as wide as on the page
      spec.width = entry.el.clientWidth;
      spec.autosize = { type: "fit-x", contains: "padding" };
    }
    if (title) {
      spec.title = { text: title, anchor: "start", fontSize: 15, offset: 10 };
      if (isVega(spec)) spec.title.font = spec.config && spec.config.font;
    }
    var box = document.createElement("div");
    var opts = options(entry.loader);
    opts.tooltip = false;
    return window.vegaEmbed(box, spec, opts).then(function (result) {
      return result.view.toImageURL(format, format === "png" ? 2 : 1).then(function (url) {
        result.finalize();
        return url;
      });
    });
  }

  function download(id, format, button) {
    if (!drawn[id]) return;
    button.disabled = true;
    imageURL(id, format).then(function (url) {
      var a = document.createElement("a");
      a.href = url;
      a.download = fileName(id) + "." + format;
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      a.remove();
      if (url.indexOf("blob:") === 0) setTimeout(function () { URL.revokeObjectURL(url); }, 30000);
    }).catch(function (err) {
      if (window.console) console.error(err);
    }).then(function () { button.disabled = false; });
  }

  document.querySelectorAll("button[data-export]").forEach(function (button) {
    button.addEventListener("click", function () {
      download(button.getAttribute("data-for"), button.getAttribute("data-export"), button);
    });
  });

  /* ------------------------------------------------------------ sortable tables */
  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (kind === "num") {
      var n = parseFloat(raw);
      return isNaN(n) ? null : n;
    }
    return raw.trim();
  }

  function sortTable(table, th) {
    var headers = Array.prototype.slice.call(th.parentNode.children);
    var index = headers.indexOf(th);
    var kind = th.getAttribute("data-kind") || "text";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });
    rows.sort(function (a, b) {
      var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
      if (x === null || x === "") return 1;   // missing values last, either way
      if (y === null || y === "") return -1;
      var c = kind === "num" ? x - y : collator.compare(x, y);
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    headers.forEach(function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var status = table.parentNode.querySelector(".sort-status");
    if (!status) {
      status = document.createElement("p");
      status.className = "sort-status visually-hidden";
      status.setAttribute("role", "status");
      table.parentNode.insertBefore(status, table.nextSibling);
    }
    status.textContent = th.textContent.trim() + ": " + t(ascending ? "sorted ascending" : "sorted descending");
  }

  document.querySelectorAll("table.sortable th button.sort").forEach(function (button) {
    button.addEventListener("click", function () {
      var th = button.closest("th");
      sortTable(th.closest("table"), th);
    });
  });

  /* ------------------------------------------------------------ print, links to tables */
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    var wrap = button.closest(".print-action");
    if (wrap) wrap.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // a link to a chart's table alternative (a closed <details>) opens it
  document.querySelectorAll("a[href^='#table-']").forEach(function (a) {
    a.addEventListener("click", function () {
      var target = document.getElementById(a.getAttribute("href").slice(1));
      if (target && target.tagName === "DETAILS") target.open = true;
    });
  });

  drawCharts();
})();
