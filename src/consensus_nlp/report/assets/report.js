/* consensus-nlp report: sortable and filterable tables, the topic browser. No network, no library. */
(function () {
  "use strict";
  function cellValue(row, i) {
    var cell = row.cells[i];
    if (!cell) return "";
    var v = cell.getAttribute("data-v");
    return v === null ? cell.textContent.trim() : v;
  }
  function sortTable(table, index, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var descending = th.getAttribute("aria-sort") === "ascending";
    var numeric = rows.every(function (r) { var v = cellValue(r, index); return v === "" || !isNaN(Number(v)); });
    rows.forEach(function (r, k) { r._k = k; });
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index), c;
      if (numeric) { c = (x === "" ? -Infinity : Number(x)) - (y === "" ? -Infinity : Number(y)); }
      else { c = x.localeCompare(y, "zh-Hans-CN"); }
      if (descending) c = -c;
      return c || a._k - b._k;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function filterTable(table, text) {
    var words = text.toLowerCase().split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
      var hay = r.textContent.toLowerCase();
      r.hidden = !words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortTable(table, i, th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortTable(table, i, th); });
    });
    var input = document.querySelector('input.filter[data-table="' + table.id + '"]');
    if (input) input.addEventListener("input", function () { filterTable(table, input.value); });
  });

  /* Topic browser: relevance = lambda * log p(w|t) + (1 - lambda) * log(p(w|t) / p(w)) (Sievert & Shirley 2014). */
  var holder = document.getElementById("topic-data");
  if (!holder) return;
  var data = JSON.parse(holder.textContent);
  var select = document.getElementById("topic-select");
  var slider = document.getElementById("topic-lambda");
  var shown = document.getElementById("topic-lambda-value");
  var bars = document.getElementById("topic-terms");
  function render() {
    var t = Number(select.value), lambda = Number(slider.value) / 100, topic = data.topics[t];
    shown.textContent = lambda.toFixed(2);
    var scored = topic.terms.map(function (w) {
      var logp = w[1], logpw = data.logp[w[0]];
      return { term: data.terms[w[0]], p: Math.exp(logp), r: lambda * logp + (1 - lambda) * (logp - logpw), lift: Math.exp(logp - logpw) };
    });
    scored.sort(function (a, b) { return b.r - a.r || (a.term < b.term ? -1 : 1); });
    scored = scored.slice(0, data.n);
    var top = Math.max.apply(null, scored.map(function (s) { return s.p; }));
    bars.innerHTML = "";
    scored.forEach(function (s) {
      var label = document.createElement("span"); label.textContent = s.term;
      var bar = document.createElement("div"); bar.className = "bar";
      bar.title = "p(w|t) = " + s.p.toPrecision(3) + ", lift p(w|t)/p(w) = " + s.lift.toPrecision(3);
      var fill = document.createElement("span"); fill.style.width = (100 * s.p / top).toFixed(1) + "%"; bar.appendChild(fill);
      var value = document.createElement("span"); value.className = "meta";
      value.textContent = "p " + s.p.toPrecision(2) + " \u00b7 lift " + s.lift.toPrecision(3);
      bars.appendChild(label); bars.appendChild(bar); bars.appendChild(value);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".browser .topic"), function (el) {
      el.hidden = el.getAttribute("data-topic") !== String(t);
    });
  }
  select.addEventListener("change", render);
  slider.addEventListener("input", render);
  render();
})();
