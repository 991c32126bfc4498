// The study list: state, objective, progress, best value; refreshed every few seconds.
(function () {
  "use strict";
  const { api, el, badge, number, time, studyUrl, crumbs, poll, status } = Homm;
  const tbody = document.querySelector("#studies tbody");
  crumbs([{ text: "Studies" }]);

  function progress(c) {
    const total = Math.max(1, c.waiting + c.running + c.paused + c.complete + c.pruned + c.failed + c.cancelled);
    const bar = el("div", { className: "progress", title: `${c.complete} complete, ${c.pruned} pruned, ${c.failed} failed, ${c.running} running, ${c.paused} paused, ${c.waiting} waiting, ${c.cancelled} cancelled` });
    for (const [state, n] of [["complete", c.complete], ["pruned", c.pruned], ["failed", c.failed], ["running", c.running], ["paused", c.paused], ["waiting", c.waiting], ["cancelled", c.cancelled]]) {
      if (n > 0) bar.appendChild(el("span", { className: "seg state-" + state, style: `width:${(100 * n / total).toFixed(2)}%` }));
    }
    const finished = c.complete + c.pruned + c.failed;
    return el("div", { className: "progress-cell" }, [bar, el("span", { className: "muted" }, `${finished} / ${c.waiting + c.running + finished} finished`)]);
  }

  async function refresh() {
    const studies = await api("/api/studies");
    document.getElementById("empty").hidden = studies.length > 0;
    tbody.replaceChildren(...studies.map((s) => el("tr", { dataset: { study: s.name } }, [
      el("td", null, el("a", { href: studyUrl(s.name) }, s.name)),
      el("td", null, badge(s.state)),
      el("td", null, `${s.direction} ${s.objective}`),
      el("td", null, progress(s.counts)),
      el("td", { className: "num" }, String(s.counts.waiting + s.counts.running + s.counts.paused + s.counts.complete + s.counts.pruned + s.counts.failed + s.counts.cancelled)),
      el("td", { className: "num" }, number(s.best)),
      el("td", null, time(s.created)),
    ])));
    status("");
    document.body.dataset.ready = "1";
  }

  poll(refresh, 5000).catch((e) => status(e.message, "error"));
})();
