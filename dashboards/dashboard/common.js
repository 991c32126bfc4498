// Shared by the dashboard's pages: API calls, formatting, and building DOM from data. User text
// (study names, parameters, reasons, logs) only ever reaches the page through textContent or
// attribute values set by the DOM API, never as markup.
window.Homm = (function () {
  "use strict";

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || ("HTTP " + status));
      this.status = status;
      this.problem = problem;
    }
  }

  async function api(path, options) {
    options = options || {};
    const init = { method: options.method || "GET", headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (options.body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    let body = null;
    if (text) {
      try { body = JSON.parse(text); } catch (e) { body = { detail: text }; }
    }
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  // el("td", { className: "num", title: "…" }, "text" | Node | [children])
  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null) continue;
        if (k === "dataset") Object.assign(node.dataset, v);
        else if (k in node) node[k] = v;
        else node.setAttribute(k, v);
      }
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === undefined || children === null) return node;
    if (!Array.isArray(children)) children = [children];
    for (const c of children) {
      if (c === undefined || c === null || c === false) continue;
      node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  // Numbers for people, by the rule of HoMM.Core's ReadableNumber (the terminal writes them the
  // same): 5 significant digits without trailing zeros, fixed from 1e-4 to below 1e6, else
  // scientific; integers in full. Cells carry the full value in their title.
  function number(v) {
    if (v === null || v === undefined) return "";
    if (typeof v !== "number") return String(v);
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    const r = Number(v.toPrecision(5));
    const m = Math.abs(r);
    return m >= 1e-4 && m < 1e6 ? String(r) : r.toExponential();
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || !isFinite(seconds)) return "";
    if (seconds >= 86400) return Math.floor(seconds / 86400) + "d " + Math.floor(seconds % 86400 / 3600) + "h";
    if (seconds >= 3600) return Math.floor(seconds / 3600) + "h " + String(Math.floor(seconds % 3600 / 60)).padStart(2, "0") + "m";
    if (seconds >= 60) return Math.floor(seconds / 60) + "m " + String(Math.floor(seconds % 60)).padStart(2, "0") + "s";
    return seconds.toFixed(1) + "s";
  }

  function time(ms) {
    if (ms === null || ms === undefined) return "";
    const d = new Date(ms);
    const pad = (n) => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function bytes(n) {
    if (n === null || n === undefined) return "";
    if (n >= 1 << 30) return (n / (1 << 30)).toFixed(1) + " GiB";
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MiB";
    if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1) + " KiB";
    return n + " B";
  }

  function value(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return number(v);
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }

  function badge(state) {
    return el("span", { className: "badge state-" + state }, state);
  }

  function studyUrl(name) { return "/studies/" + encodeURIComponent(name); }
  function trialUrl(name, number) { return studyUrl(name) + "/trials/" + number; }
  function apiStudy(name) { return "/api/studies/" + encodeURIComponent(name); }

  // The path's segments after /studies/: [study name, "trials", number] (decoded).
  function route() {
    const parts = location.pathname.split("/").filter((p) => p.length > 0).map(decodeURIComponent);
    return { study: parts[1], trial: parts[2] === "trials" ? Number(parts[3]) : null };
  }

  function crumbs(items) {
    const nav = document.getElementById("crumbs");
    nav.replaceChildren();
    items.forEach((it, i) => {
      if (i > 0) nav.appendChild(el("span", { className: "sep" }, "›"));
      nav.appendChild(it.href ? el("a", { href: it.href }, it.text) : el("span", null, it.text));
    });
  }

  // Shows a message in the page's status line (errors stay until the next success).
  function status(text, kind) {
    const s = document.getElementById("status");
    if (!s) return;
    s.textContent = text || "";
    s.className = "status" + (kind ? " " + kind : "");
  }

  // Calls step() now and then every `ms` while the page is visible; a failing step is shown and retried.
  function poll(step, ms) {
    let timer = null;
    let stopped = false;
    async function tick() {
      timer = null;
      try {
        const more = await step();
        const live = document.getElementById("live");
        if (live) { live.textContent = "live · updated " + new Date().toLocaleTimeString(); live.classList.remove("offline"); }
        if (more === false) { stopped = true; if (live) live.textContent = "final"; return; }
      } catch (e) {
        const live = document.getElementById("live");
        if (live) { live.textContent = "offline: " + e.message; live.classList.add("offline"); }
        status(e.message, "error");
      }
      if (!stopped) timer = setTimeout(tick, ms);
    }
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && timer !== null && !stopped) { clearTimeout(timer); tick(); }
    });
    return tick();
  }

  function kvTable(rows) {
    return el("table", { className: "kv" }, rows.filter((r) => r).map(([k, v]) => el("tr", null, [el("th", null, k), el("td", null, v)])));
  }

  return { api, ApiError, el, append, number, duration, time, bytes, value, badge, studyUrl, trialUrl, apiStudy, route, crumbs, status, poll, kvTable };
})();
