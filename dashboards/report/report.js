// Renders the report from the JSON payload written by HoMM.Reports.ReportWriter: figures
// (plotly.js JSON, drawn by figures.js as they come near the screen) and a
// sortable, filterable, paged trial table (10,000 rows stay responsive: one page is in the DOM).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("homm-report-data").textContent);
  // Figures: drawn by figures.js (inlined just before this script).
  const panel = HommFigures.create(document.getElementById("figures"), {
    index: document.getElementById("figure-index"),
    onDrawn: (drawn, total) => {
      if (drawn > 0) document.body.dataset.plotsDrawn = String(drawn);
      if (drawn === total) document.body.dataset.plotsRendered = String(total);
    },
  });
  panel.set(data.figures);
  window.hommReportTimings = panel.timings;
  window.hommReportLiveGlContexts = panel.liveContexts;

  // Trial table.
  const table = data.table;
  const pageSize = 100;
  const thead = document.querySelector("#trial-table thead");
  const tbody = document.querySelector("#trial-table tbody");
  const filterEl = document.getElementById("trial-filter");
  const countEl = document.getElementById("trial-count");
  const prevEl = document.getElementById("page-prev");
  const nextEl = document.getElementById("page-next");
  const pageLabelEl = document.getElementById("page-label");
  let sortColumn = 0;
  let sortDescending = false;
  let page = 0;
  let view = table.rows;

  const headRow = document.createElement("tr");
  table.columns.forEach((c, i) => {
    const th = document.createElement("th");
    th.textContent = c.name;
    th.title = "sort by " + c.name;
    th.addEventListener("click", () => {
      sortDescending = sortColumn === i ? !sortDescending : false;
      sortColumn = i;
      page = 0;
      update();
    });
    headRow.appendChild(th);
  });
  thead.appendChild(headRow);

  function display(value, column) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") {
      if (column.kind === "duration") return formatDuration(value);
      if (Number.isInteger(value)) return String(value);
      return Number(value.toPrecision(6)).toString();
    }
    return String(value);
  }

  function formatDuration(seconds) {
    if (seconds >= 3600) return Math.floor(seconds / 3600) + "h " + String(Math.floor(seconds % 3600 / 60)).padStart(2, "0") + "m";
    if (seconds >= 60) return Math.floor(seconds / 60) + "m " + String(Math.floor(seconds % 60)).padStart(2, "0") + "s";
    return seconds.toFixed(1) + "s";
  }

  function compare(a, b) {
    // Empty cells sort last whichever the direction.
    const an = a === null || a === undefined, bn = b === null || b === undefined;
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    const d = typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true });
    return sortDescending ? -d : d;
  }

  function update() {
    const needle = filterEl.value.trim().toLowerCase();
    view = needle === ""
      ? table.rows.slice()
      : table.rows.filter((r) => r.some((v, i) => display(v, table.columns[i]).toLowerCase().includes(needle)));
    view.sort((a, b) => compare(a[sortColumn], b[sortColumn]) || a[0] - b[0]);
    const pages = Math.max(1, Math.ceil(view.length / pageSize));
    page = Math.min(page, pages - 1);
    headRow.childNodes.forEach((th, i) => {
      if (i === sortColumn) th.setAttribute("aria-sort", sortDescending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    const fragment = document.createDocumentFragment();
    for (const r of view.slice(page * pageSize, (page + 1) * pageSize)) {
      const tr = document.createElement("tr");
      if (r[0] === table.best) tr.className = "best";
      r.forEach((v, i) => {
        const td = document.createElement("td");
        td.textContent = display(v, table.columns[i]);
        if (typeof v === "number") {
          td.className = "num";
          if (table.columns[i].kind !== "duration") td.title = String(v);
        }
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
    }
    tbody.replaceChildren(fragment);
    countEl.textContent = view.length === table.rows.length
      ? table.rows.length + " trials"
      : view.length + " of " + table.rows.length + " trials";
    pageLabelEl.textContent = "page " + (page + 1) + " of " + pages;
    prevEl.disabled = page === 0;
    nextEl.disabled = page >= pages - 1;
  }

  filterEl.addEventListener("input", () => { page = 0; update(); });
  prevEl.addEventListener("click", () => { page--; update(); });
  nextEl.addEventListener("click", () => { page++; update(); });
  update();
})();
