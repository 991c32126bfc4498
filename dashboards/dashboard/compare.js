// Two or more trials side by side: outcome and parameters (rows that differ are marked) and one
// figure per metric with a line per trial. The trials come from ?trials=3,8,12.
(function () {
  "use strict";
  const { api, el, badge, number, duration, value, studyUrl, trialUrl, apiStudy, route, crumbs, poll, status } = Homm;
  const study = route().study;
  const trials = new URLSearchParams(location.search).get("trials") || "";
  document.title = `Compare trials ${trials} of ${study} — HoMM Search`;
  crumbs([{ text: "Studies", href: "/" }, { text: study, href: studyUrl(study) }, { text: "compare " + trials }]);
  document.getElementById("compare-title").textContent = `Compare trials ${trials.split(",").join(", ")}`;
  const onlyDiff = document.getElementById("only-diff");
  const panel = HommFigures.create(document.getElementById("figures"), {
    onDrawn: (drawn, total) => {
      document.body.dataset.plotsDrawn = String(drawn);
      if (drawn === total) document.body.dataset.plotsRendered = String(total);
    },
  });
  let last = null;

  function render(c) {
    last = c;
    const table = document.getElementById("compare-table");
    table.tHead.replaceChildren(el("tr", null, [el("th", null, ""), ...c.trials.map((d) =>
      el("th", null, el("a", { href: trialUrl(study, d.trial.number) }, "trial " + d.trial.number)))]));
    const rows = [
      ["state", c.trials.map((d) => badge(d.trial.state)), c.trials.map((d) => d.trial.state)],
      ["value", c.trials.map((d) => number(d.trial.value))],
      ["duration", c.trials.map((d) => d.trial.started === null ? "" : duration(((d.trial.finished !== null ? d.trial.finished : d.now) - d.trial.started) / 1000))],
      ["attempts", c.trials.map((d) => String(d.attempts.length))],
      ...c.paramNames.map((p) => {
        const cells = c.trials.map((d) => { const v = d.params.find((x) => x.name === p); return v ? value(v.value) : "—"; });
        return [p, cells];
      }),
    ];
    table.tBodies[0].replaceChildren(...rows.map(([label, cells, keys]) => {
      const texts = keys || cells.map((x) => (x instanceof Node ? x.textContent : x));
      const differs = new Set(texts).size > 1;
      const tr = el("tr", { className: differs ? "differs" : "" }, [el("th", null, label), ...cells.map((x) => el("td", null, x))]);
      tr.hidden = onlyDiff.checked && !differs;
      return tr;
    }));
    panel.set(c.figures.length > 0 ? c.figures : [{ id: "none", title: "Curves", note: "these trials have reported no values yet" }]);
    document.body.dataset.ready = "1";
  }

  onlyDiff.addEventListener("change", () => { if (last) render(last); });

  async function step() {
    const c = await api(apiStudy(study) + "/compare?trials=" + encodeURIComponent(trials));
    render(c);
    return c.trials.some((d) => d.trial.state === "running" || d.trial.state === "waiting");
  }

  poll(step, 3000).catch((e) => status(e.message, "error"));
})();
