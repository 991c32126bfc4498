// Renders the report from the JSON payload written by HoMM.Reports.ReportWriter: figures
// (plotly.js JSON) drawn as they come near the screen, so the page shows at once, and a
// sortable, filterable, paged trial table (10,000 rows stay responsive: one page is in the DOM).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("homm-report-data").textContent);
  const figuresEl = document.getElementById("figures");
  const indexEl = document.getElementById("figure-index");
  const config = { responsive: true, displaylogo: false };

  // A page gets about 16 WebGL contexts from the browser, and each WebGL plot takes 2 (3 for
  // parallel coordinates); past that the browser silently blanks the oldest plot. So figures
  // are drawn when they come near the screen, and WebGL figures far from it are released again
  // (redrawn when scrolled back), keeping the page within GL_CONTEXT_BUDGET at any time.
  const GL_CONTEXT_BUDGET = 10;
  const items = [];
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
      plot.style.height = (f.figure.layout.height || 450) + "px";
      section.appendChild(plot);
      items.push({
        div: plot,
        figure: f.figure,
        contexts: glContexts(f.figure),
        live: false,
        drawnOnce: false,
        visible: false,
        lastVisible: 0,
      });
    } else {
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = f.note || "nothing to show";
      section.appendChild(note);
    }
    figuresEl.appendChild(section);
  }

  function glContexts(figure) {
    const types = new Set(figure.data.map((t) => t.type));
    return types.has("parcoords") ? 3 : types.has("scattergl") ? 2 : 0;
  }

  const timings = window.hommReportTimings = [];
  const queue = [];
  let busy = false;

  function liveContexts() {
    return items.reduce((n, it) => n + (it.live ? it.contexts : 0), 0);
  }

  function release(item) {
    // Plotly.purge drops its WebGL state, but the browser frees a context only when it is
    // garbage collected; losing it explicitly returns it to the page's budget at once.
    const contexts = [];
    const layout = item.div._fullLayout;
    if (layout && layout._glcanvas) {
      layout._glcanvas.each((d) => { if (d.regl && d.regl._gl) contexts.push(d.regl._gl); });
    }
    Plotly.purge(item.div);
    for (const gl of contexts) {
      const ext = gl.getExtension("WEBGL_lose_context");
      if (ext) ext.loseContext();
    }
    item.live = false;
  }

  function makeRoom(needed) {
    while (liveContexts() + needed > GL_CONTEXT_BUDGET) {
      const idle = items.filter((it) => it.live && it.contexts > 0 && !it.visible)
        .sort((a, b) => a.lastVisible - b.lastVisible)[0];
      if (!idle) return;
      release(idle);
    }
  }

  function pump() {
    if (busy) return;
    const item = queue.shift();
    if (!item) return;
    if (item.live || !item.visible) { pump(); return; }
    busy = true;
    if (item.contexts > 0) makeRoom(item.contexts);
    const t0 = performance.now();
    Plotly.newPlot(item.div, item.figure.data, item.figure.layout, config).then(() => {
      item.live = true;
      item.div.on("plotly_webglcontextlost", () => console.error("WebGL context lost in " + item.div.parentElement.id));
      if (!item.drawnOnce) {
        item.drawnOnce = true;
        timings.push([item.div.parentElement.id, Math.round(performance.now() - t0)]);
        document.body.dataset.plotsDrawn = String(items.filter((it) => it.drawnOnce).length);
        if (items.every((it) => it.drawnOnce)) document.body.dataset.plotsRendered = String(items.length);
      }
    }, (err) => {
      console.error("figure " + item.div.parentElement.id + ": " + err);
    }).finally(() => {
      busy = false;
      setTimeout(pump, 0);
    });
  }

  const observer = new IntersectionObserver((entries) => {
    const now = performance.now();
    for (const e of entries) {
      const item = items.find((it) => it.div === e.target);
      item.visible = e.isIntersecting;
      item.lastVisible = now;
      if (item.visible && !item.live) queue.push(item);
    }
    pump();
  }, { rootMargin: "50% 0px" });
  for (const it of items) observer.observe(it.div);
  window.hommReportLiveGlContexts = liveContexts;

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
