// The trial page: parameters, curves of every reported metric, attempts, checkpoint, files and
// the tail of trainer.log; refreshed every two seconds until the trial has finished.
(function () {
  "use strict";
  const { api, el, badge, number, duration, time, bytes, value, studyUrl, apiStudy, route, crumbs, poll, status, kvTable } = Homm;
  const { study, trial } = route();
  const base = apiStudy(study) + "/trials/" + trial;
  document.title = `Trial ${trial} of ${study} — HoMM Search`;
  crumbs([{ text: "Studies", href: "/" }, { text: study, href: studyUrl(study) }, { text: "trial " + trial }]);
  document.getElementById("trial-title").textContent = `Trial ${trial}`;
  const stopEl = document.getElementById("stop");
  const stopReason = document.getElementById("stop-reason");
  const deleteEl = document.getElementById("delete");
  let current = null;

  const panel = HommFigures.create(document.getElementById("figures"), {
    onDrawn: (drawn, total) => {
      document.body.dataset.plotsDrawn = String(drawn);
      if (drawn === total) document.body.dataset.plotsRendered = String(total);
    },
  });

  function show(d, studyDetail) {
    current = d;
    const t = d.trial;
    const now = d.now;
    const running = t.state === "running" || t.state === "waiting";
    // A paused trial (checkpointed at a rung) may still be promoted or cancelled, not deleted.
    const paused = t.state === "paused";
    // Its time ends where its last attempt ended, not now: it holds no slot while it waits.
    const lastEnd = d.attempts.reduce((m, a) => (a.ended !== null && (m === null || a.ended > m) ? a.ended : m), null);
    const end = t.finished !== null ? t.finished : paused && lastEnd !== null ? lastEnd : now;
    document.getElementById("trial-subtitle").replaceChildren(badge(t.state), ` study ${study}`);
    document.getElementById("overview-body").replaceChildren(kvTable([
      [studyDetail.summary.objective, t.value === null ? "—" : number(t.value)],
      t.testAcc !== null ? ["test/acc", number(t.testAcc)] : null,
      ["state", t.state + (d.stopRequested && running ? " (cancel requested)" : "")],
      t.reason ? ["reason", t.reason] : null,
      ["started", time(t.started)],
      ["finished", time(t.finished)],
      ["duration", t.started === null ? "" : duration((end - t.started) / 1000)],
      d.trialDir ? ["folder", d.trialDir] : null,
      d.notes.length > 0 ? ["notes", el("ul", { className: "notes" }, d.notes.map((n) => el("li", null, n)))] : null,
    ]));
    document.getElementById("params-body").replaceChildren(d.params.length === 0
      ? el("p", { className: "note" }, "no parameters yet")
      : el("table", { className: "kv" }, d.params.map((p) => el("tr", null, [el("th", null, p.name), el("td", { title: p.distribution }, value(p.value))]))));
    const c = d.checkpoint;
    document.getElementById("checkpoint-body").replaceChildren(c === null
      ? el("p", { className: "note" }, "no checkpoint yet")
      : kvTable([["path", c.path], ["exists", c.exists ? "yes" : "no (not on this machine?)"], c.size !== null ? ["size", bytes(c.size)] : null,
        c.modified !== null ? ["written", time(c.modified)] : null, c.step !== null ? ["step", String(c.step)] : null, ["source", c.source]]));
    document.getElementById("attempts-table").tBodies[0].replaceChildren(...d.attempts.map((a) => el("tr", null, [
      el("td", { className: "num" }, String(a.number)), el("td", null, a.node), el("td", null, a.slot), el("td", { className: "num" }, a.pid === null ? "" : String(a.pid)),
      el("td", null, time(a.started)), el("td", null, time(a.ended)), el("td", { className: "num" }, duration(((a.ended !== null ? a.ended : now) - a.started) / 1000)),
      el("td", { className: "num" }, a.exitCode === null ? "" : String(a.exitCode)), el("td", null, a.reason || ""),
    ])));
    document.getElementById("files-table").tBodies[0].replaceChildren(...d.files.map((f) => el("tr", null, [
      el("td", null, el("a", { href: base + "/files/" + f.path.split("/").map(encodeURIComponent).join("/") }, f.path)),
      el("td", { className: "num" }, bytes(f.size)), el("td", null, time(f.modified)),
    ])));
    const attrs = [...Object.entries(d.userAttrs).map(([k, v]) => ["user: " + k, value(v)]), ...Object.entries(d.systemAttrs).filter(([k]) => k !== "notes").map(([k, v]) => [k, value(v)])];
    document.getElementById("attrs-body").replaceChildren(attrs.length === 0 ? el("p", { className: "note" }, "none") : kvTable(attrs));
    stopEl.disabled = !(running || paused) || d.stopRequested || !studyDetail.actionsAllowed;
    stopReason.disabled = stopEl.disabled;
    stopEl.textContent = d.stopRequested && running ? "Cancel requested" : "Cancel trial";
    // Only a finished trial can be deleted: a waiting or running one is cancelled first.
    deleteEl.disabled = running || paused || !studyDetail.actionsAllowed;
    const note = document.getElementById("actions-note");
    note.hidden = studyDetail.actionsAllowed;
    note.textContent = studyDetail.actionsRefusal || "";
    panel.set(d.figures.length > 0 ? d.figures : [{ id: "none", title: "Curves", note: "this trial has reported no values yet" }]);
  }

  async function showLog() {
    const log = await api(base + "/log?bytes=65536");
    // The dispatcher's marker lines name the setting when it left out the middle of an attempt's output.
    const capped = log.exists && log.text.includes("(trainer.log_max)") ? ", capped by trainer.log_max: head and end kept" : "";
    document.getElementById("log-path").textContent = log.path ? log.path + (log.exists ? ` (${bytes(log.size)}${log.truncated ? ", last 64 KiB" : ""}${capped})` : "") : "";
    const pre = document.getElementById("log-text");
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.textContent = log.exists ? log.text : log.note;
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  }

  stopEl.addEventListener("click", async () => {
    try {
      const r = await api(base + "/cancel", { method: "POST", body: { reason: stopReason.value } });
      status(r.message, "ok");
      await step();
    } catch (e) { status(e.message, "error"); }
  });

  deleteEl.addEventListener("click", async () => {
    if (!window.confirm(`Delete trial ${trial} of ${study} with its folder? There is no undo.`)) return;
    try {
      await api(base, { method: "DELETE" });
      location.href = studyUrl(study);
    } catch (e) { status(e.message, "error"); }
  });

  async function step() {
    const [d, s] = await Promise.all([api(base), api(apiStudy(study))]);
    show(d, s);
    await showLog();
    document.body.dataset.ready = "1";
    // Keep polling while the trial can still change (a paused one is promoted or cancelled later).
    return d.trial.state === "running" || d.trial.state === "waiting" || d.trial.state === "paused";
  }

  poll(step, 2000).catch((e) => status(e.message, "error"));
})();
