// Renders the report from the JSON payload written by HoMM.Reports.ReportWriter:
// figures (plotly.js JSON) one after another so the page shows at once, then a sortable,
// filterable, paged trial table (10,000 rows stay responsive: only one page is in the DOM).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("homm-report-data").textContent);
  const figuresEl = document.getElementById("figures");
  const indexEl = document.getElementById("figure-index");
  const config = { responsive: true, displaylogo: false };

  const pending = [];
  for (const f of data.figures) {
    const section = document.createElement("section");
    section.className = "figure";
    section.id = "figure-" + f.id;
    const h = document.createElement("h2");
    h.textContent = f.title;
    section.appendChild(h);
    const link = document.createElement("a");
    link.href = "#" + section.id;
    link.textContent = f.title;
    indexEl.appendChild(link);
    if (f.figure) {
      const plot = document.createElement("div");
      plot.className = "plot";
      section.appendChild(plot);
      pending.push([plot, f.figure]);
    } else {
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = f.note || "nothing to show";
      section.appendChild(note);
    }
    figuresEl.appendChild(section);
  }

  let rendered = 0;
  // Milliseconds each figure took, for benchmarks and for finding a slow plot.
  const timings = window.hommReportTimings = [];
  function renderNext() {
    if (pending.length === 0) {
      document.body.dataset.plotsRendered = String(rendered);
      return;
    }
    const [div, fig] = pending.shift();
    const t0 = performance.now();
    Plotly.newPlot(div, fig.data, fig.layout, config).then(() => {
      rendered++;
      timings.push([div.parentElement.id, Math.round(performance.now() - t0)]);
      setTimeout(renderNext, 0);
    }, (err) => {
      console.error("figure " + div.parentElement.id + ": " + err);
      setTimeout(renderNext, 0);
    });
  }
  setTimeout(renderNext, 0);

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
