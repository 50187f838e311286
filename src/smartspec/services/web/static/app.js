/* smartspec dashboard: draws the page's charts (vega-embed) and makes tables sortable.
   Everything the script needs comes from the page: the chart specs and the translated strings
   in the JSON block #page-data. No request leaves the server that sent the page. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var strings = data.js.strings;
  var lang = document.documentElement.lang || "en";
  function t(s) { return strings[s] || s; }

  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") return;
    var loader = window.vega.loader({ target: "_self" });
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = data.charts[el.getAttribute("data-chart")];
      if (!spec) return;
      delete spec.title;  // the page shows it as the figure's caption
      if (String(spec.$schema || "").indexOf("/vega/") >= 0) {
        spec.width = Math.max(320, el.clientWidth - 20);  // Vega specs have a fixed width
      }
      window.vegaEmbed(el, spec, {
        actions: false,
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
      }).then(function () {
        el.classList.add("drawn");
        var loading = el.querySelector(".loading");
        if (loading) loading.remove();
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

  drawCharts();
})();
