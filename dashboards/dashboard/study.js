// The study page: summary, actions, a live trial table (virtualized: only the rows on screen are
// in the DOM, so 10,000 trials sort, filter and scroll at once) and the study's figures.
(function () {
  "use strict";
  const { api, el, badge, number, duration, time, value, studyUrl, trialUrl, apiStudy, route, crumbs, poll, status, kvTable } = Homm;
  const name = route().study;
  const base = apiStudy(name);
  document.title = name + " — HoMM Search";
  crumbs([{ text: "Studies", href: "/" }, { text: name }]);
  document.getElementById("study-name").textContent = name;
  document.getElementById("queue-link").href = "/hangfire/" + encodeURIComponent(name) + "/";

  // ---- state ----
  const rows = new Map();       // trial number → row from the API
  const searchText = new Map(); // trial number → lower-case text of its cells, for the filter
  const selected = new Set();
  let paramNames = [];
  let withTest = false;         // a trial reported test/acc: its column stands beside the objective
  let detail = null;
  let cursor = 0;
  let clockOffset = 0;          // server time − browser time, for running durations
  let lastFigures = 0;
  let figuresCursor = -1;
  let figuresPending = false;   // the server is still computing the importances of these figures

  // ---- table ----
  const ROW_HEIGHT = 28;
  const OVERSCAN = 8;
  const viewport = document.getElementById("trial-viewport");
  const table = document.getElementById("trial-table");
  const colgroup = table.querySelector("colgroup");
  const thead = table.querySelector("thead");
  const tbody = table.querySelector("tbody");
  const filterEl = document.getElementById("trial-filter");
  const countEl = document.getElementById("trial-count");
  const compareEl = document.getElementById("compare");
  let columns = [];
  let sortKey = "number";
  let sortDescending = false;
  let view = [];                // trial numbers shown, filtered and sorted
  let renderQueued = false;

  function durationOf(r) {
    if (r.started === null) return null;
    const end = r.finished !== null ? r.finished : Date.now() + clockOffset;
    return Math.max(0, (end - r.started) / 1000);
  }

  function buildColumns() {
    columns = [
      { key: "select", label: "", width: 34, get: () => null },
      { key: "number", label: "#", width: 64, numeric: true, get: (r) => r.number },
      { key: "state", label: "state", width: 96, get: (r) => r.state },
      { key: "value", label: detail ? detail.summary.objective : "value", width: 110, numeric: true, get: (r) => r.value },
      ...(withTest ? [{ key: "testAcc", label: "test/acc", width: 96, numeric: true, get: (r) => r.testAcc }] : []),
      { key: "duration", label: "duration", width: 92, numeric: true, get: durationOf, show: duration },
      { key: "started", label: "started", width: 190, numeric: true, get: (r) => r.started, show: time },
      ...paramNames.map((p) => ({ key: "p:" + p, label: p, width: 112, param: p, get: (r) => (p in r.params ? r.params[p] : null) })),
      { key: "reason", label: "reason", width: 260, get: (r) => r.reason },
    ];
    colgroup.replaceChildren(...columns.map((c) => el("col", { style: `width:${c.width}px` })));
    table.style.width = columns.reduce((w, c) => w + c.width, 0) + "px";
    const tr = el("tr");
    for (const c of columns) {
      const th = el("th", { title: c.key === "select" ? "select trials to compare" : "sort by " + c.label, dataset: { key: c.key } }, c.label);
      if (c.numeric || c.param) th.className = "num";
      if (c.key !== "select") th.addEventListener("click", () => {
        sortDescending = sortKey === c.key ? !sortDescending : false;
        sortKey = c.key;
        refreshView();
      });
      tr.appendChild(th);
    }
    thead.replaceChildren(tr);
  }

  function cellText(c, r) {
    const v = c.get(r);
    if (v === null || v === undefined) return "";
    return c.show ? c.show(v) : value(v);
  }

  // A number shows 5 significant digits; the filter also finds it by the full value its title holds.
  function searchWords(c, r) {
    const v = c.get(r);
    const shown = cellText(c, r);
    return typeof v === "number" && !c.show && String(v) !== shown ? shown + " " + String(v) : shown;
  }

  function indexRow(r) {
    searchText.set(r.number, columns.filter((c) => c.key !== "select").map((c) => searchWords(c, r)).join(" ").toLowerCase());
  }

  function compare(a, b, c) {
    const va = c.get(a), vb = c.get(b);
    const an = va === null || va === undefined, bn = vb === null || vb === undefined;
    // Empty cells sort last whichever the direction.
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    const d = typeof va === "number" && typeof vb === "number" ? va - vb : String(va).localeCompare(String(vb), undefined, { numeric: true });
    return sortDescending ? -d : d;
  }

  function refreshView() {
    const words = filterEl.value.trim().toLowerCase().split(/\s+/).filter((w) => w.length > 0);
    const all = [...rows.keys()];
    view = words.length === 0 ? all : all.filter((n) => { const t = searchText.get(n); return words.every((w) => t.includes(w)); });
    const c = columns.find((x) => x.key === sortKey) || columns[1];
    view.sort((x, y) => compare(rows.get(x), rows.get(y), c) || x - y);
    for (const th of thead.querySelectorAll("th")) {
      if (th.dataset.key === sortKey) th.setAttribute("aria-sort", sortDescending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }
    countEl.textContent = view.length === rows.size ? `${rows.size} trials` : `${view.length} of ${rows.size} trials`;
    render();
  }

  function render() {
    const top = viewport.scrollTop;
    const height = viewport.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(view.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const best = detail ? detail.bestTrial : null;
    const fragment = document.createDocumentFragment();
    fragment.appendChild(spacer(first * ROW_HEIGHT));
    for (let i = first; i < last; i++) {
      const r = rows.get(view[i]);
      const tr = el("tr", { className: r.number === best ? "best" : "", dataset: { trial: String(r.number) } });
      for (const c of columns) {
        if (c.key === "select") {
          const box = el("input", { type: "checkbox", checked: selected.has(r.number), title: "compare trial " + r.number });
          box.addEventListener("change", () => { if (box.checked) selected.add(r.number); else selected.delete(r.number); updateCompare(); });
          tr.appendChild(el("td", null, box));
        } else if (c.key === "number") {
          tr.appendChild(el("td", { className: "num" }, el("a", { href: trialUrl(name, r.number) }, String(r.number))));
        } else if (c.key === "state") {
          tr.appendChild(el("td", null, badge(r.state)));
        } else {
          const v = c.get(r);
          const td = el("td", { className: typeof v === "number" ? "num" : "" }, cellText(c, r));
          if (typeof v === "number" && !c.show) td.title = String(v);
          else if (typeof v === "string" && v.length > 30) td.title = v;
          tr.appendChild(td);
        }
      }
      fragment.appendChild(tr);
    }
    fragment.appendChild(spacer((view.length - last) * ROW_HEIGHT));
    tbody.replaceChildren(fragment);
  }

  // Rows above and below the rendered window keep the scroll bar true to the whole table.
  function spacer(px) {
    return el("tr", { className: "spacer" }, el("td", { colSpan: columns.length, style: `height:${px}px` }));
  }

  viewport.addEventListener("scroll", () => {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => { renderQueued = false; render(); });
  });
  filterEl.addEventListener("input", refreshView);

  function updateCompare() {
    compareEl.disabled = selected.size < 2;
    compareEl.textContent = selected.size < 2 ? "Compare selected" : `Compare ${selected.size} trials`;
  }
  compareEl.addEventListener("click", () => {
    location.href = studyUrl(name) + "/compare?trials=" + [...selected].sort((a, b) => a - b).join(",");
  });

  function mergeTrials(response) {
    clockOffset = response.now - Date.now();
    let newColumns = false;
    // Deleted trials (numbers are never reused) go before the changed ones are merged.
    for (const n of response.deleted || []) { rows.delete(n); selected.delete(n); searchText.delete(n); }
    for (const t of response.trials) {
      rows.set(t.number, t);
      for (const p of Object.keys(t.params)) if (!paramNames.includes(p)) { paramNames.push(p); newColumns = true; }
      if (t.testAcc !== null && !withTest) { withTest = true; newColumns = true; }
    }
    if (newColumns || columns.length === 0 || (response.deleted || []).length > 0) {
      buildColumns();
      for (const r of rows.values()) indexRow(r);
    } else {
      for (const t of response.trials) indexRow(t);
    }
    cursor = response.cursor;
  }

  // ---- summary and actions ----
  const pauseEl = document.getElementById("pause");
  const enqueueToggle = document.getElementById("enqueue-toggle");
  const enqueueForm = document.getElementById("enqueue");
  const actionsNote = document.getElementById("actions-note");

  // The trial folders' size (checkpoints.keep decides how much stays), in binary units.
  function bytes(n) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
  }

  function showDetail(d) {
    detail = d;
    const s = d.summary;
    document.getElementById("study-subtitle").replaceChildren(badge(s.state), ` ${s.direction} ${s.objective} · created ${time(s.created)}`);
    const c = s.counts;
    const userAttrs = Object.entries(d.userAttrs).map(([k, v]) => [k, value(v)]);
    document.getElementById("summary-body").replaceChildren(kvTable([
      ["objective", `${s.objective} (${s.direction})`],
      ["trials", el("span", { className: "states" }, [["complete", c.complete], ["pruned", c.pruned], ["failed", c.failed], ["running", c.running], ["paused", c.paused], ["waiting", c.waiting], ["cancelled", c.cancelled]]
        .filter(([st, n]) => (st !== "cancelled" && st !== "paused") || n > 0).map(([st, n]) => el("span", { className: "state state-" + st }, `${n} ${st}`)))],
      ["parameters", d.searchSpace.map((p) => p.name).join(", ")],
      ["disk", bytes(d.diskBytes)],
      ...userAttrs,
    ]));
    const bestRow = d.bestTrial !== null ? rows.get(d.bestTrial) : null;
    document.getElementById("best-body").replaceChildren(d.bestTrial === null
      ? el("p", { className: "note" }, "no trial has completed yet")
      : kvTable([
        ["trial", el("a", { href: trialUrl(name, d.bestTrial) }, String(d.bestTrial))],
        [s.objective, number(s.best)],
        ...(bestRow && bestRow.testAcc !== null ? [["test/acc", number(bestRow.testAcc)]] : []),
        ...(bestRow ? Object.entries(bestRow.params).map(([k, v]) => [k, value(v)]) : []),
      ]));
    pauseEl.textContent = s.paused ? "Resume" : "Pause";
    pauseEl.title = s.paused ? "let the driver start new trials again" : "start no new trials (running ones go on)";
    for (const b of [pauseEl, enqueueToggle]) b.disabled = !d.actionsAllowed;
    actionsNote.hidden = d.actionsAllowed;
    actionsNote.textContent = d.actionsRefusal || "";
    if (document.getElementById("enqueue-fields").childElementCount === 0) buildEnqueueForm();
  }

  pauseEl.addEventListener("click", async () => {
    try {
      const r = await api(base + "/pause", { method: "POST", body: { paused: !detail.summary.paused } });
      status(r.message, "ok");
      showDetail(await api(base));
    } catch (e) { status(e.message, "error"); }
  });

  enqueueToggle.addEventListener("click", () => {
    enqueueForm.hidden = !enqueueForm.hidden;
    enqueueToggle.setAttribute("aria-expanded", String(!enqueueForm.hidden));
  });

  function buildEnqueueForm() {
    const fields = document.getElementById("enqueue-fields");
    const inputs = new Map();
    for (const p of detail.searchSpace) {
      let input;
      // Every field may stay empty: a parameter left out is sampled when the trial starts.
      if (p.kind === "categorical") {
        input = el("select", { name: p.name }, [el("option", { value: "" }, "(sampled)"),
          ...p.choices.map((c, i) => el("option", { value: String(i) }, value(c)))]);
      } else {
        input = el("input", { name: p.name, type: "number", step: "any", placeholder: `${p.description} (empty: sampled)` });
        if (p.low !== null) input.min = String(p.low);
        if (p.high !== null) input.max = String(p.high);
      }
      const row = el("label", { className: "field", dataset: { param: p.name } }, [el("span", null, p.name), input, el("small", { className: "muted" }, p.description), el("small", { className: "error" })]);
      inputs.set(p.name, { p, input, row });
      fields.appendChild(row);
    }
    function current(entry) {
      const { p, input } = entry;
      if (input.value === "") return null;
      return p.kind === "categorical" ? p.choices[Number(input.value)] : Number(input.value);
    }
    // A conditional parameter is asked only when its parent is fixed to one of its values (a
    // sampled parent decides later whether the child exists, so the child is sampled too).
    function conditions() {
      const chosen = {};
      for (const entry of inputs.values()) {
        const { p, row } = entry;
        const active = p.whenParent === null || (p.whenParent in chosen && p.whenValues.some((v) => v === chosen[p.whenParent]));
        row.hidden = !active;
        entry.input.disabled = !active;
        const v = active ? current(entry) : null;
        if (v !== null) chosen[p.name] = v;
      }
      return chosen;
    }
    fields.addEventListener("change", conditions);
    conditions();
    enqueueForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const result = document.getElementById("enqueue-result");
      for (const { row } of inputs.values()) row.querySelector(".error").textContent = "";
      try {
        const r = await api(base + "/trials", { method: "POST", body: { params: conditions() } });
        result.textContent = r.message;
        result.className = "status ok";
      } catch (e) {
        result.textContent = e.message;
        result.className = "status error";
        const errors = (e.problem && e.problem.errors) || {};
        for (const [k, msgs] of Object.entries(errors)) {
          const entry = inputs.get(k);
          if (entry) entry.row.querySelector(".error").textContent = msgs.join("; ");
        }
      }
    });
  }

  // ---- figures ----
  const panel = HommFigures.create(document.getElementById("figures"), {
    index: document.getElementById("figure-index"),
    onDrawn: (drawn, total) => {
      if (drawn > 0 && performance.getEntriesByName("homm-first-plot").length === 0) performance.mark("homm-first-plot");
      document.body.dataset.plotsDrawn = String(drawn);
      if (total > 0 && drawn === total) document.body.dataset.plotsRendered = String(total);
    },
  });
  // A study the server has not read yet takes a while to plot (seconds for 10,000 trials).
  panel.set([{ id: "loading", title: "Plots", note: "computing the plots…" }]);

  let figuresBusy = false;
  async function refreshFigures() {
    if (figuresBusy) return;
    figuresBusy = true;
    lastFigures = Date.now();
    let f;
    try { f = await api(base + "/figures"); } finally { figuresBusy = false; }
    figuresCursor = f.cursor;
    figuresPending = f.pending === true;
    panel.set(f.figures);
    document.body.dataset.figuresCursor = String(f.cursor);
  }

  // ---- live updates: ?after=<cursor> returns only what changed ----
  async function step() {
    const first = cursor === 0 && rows.size === 0;
    const [d, t] = await Promise.all([api(base), api(base + "/trials?after=" + cursor)]);
    mergeTrials(t);
    showDetail(d);
    if (first || t.trials.length > 0 || (t.deleted || []).length > 0) refreshView();
    else render(); // running durations move on
    document.body.dataset.cursor = String(cursor);
    if (first) performance.mark("homm-table-ready"); // read by benchmarks/dashboard
    document.body.dataset.tableReady = "1";
    // The cheap figures come first; while the importances are computed the next poll asks again.
    if (first || figuresPending || (cursor !== figuresCursor && Date.now() - lastFigures > 10000)) {
      refreshFigures().catch((e) => status("figures: " + e.message, "error"));
    }
  }

  poll(step, 2000).catch((e) => status(e.message, "error"));
})();
