// Draws plotly.js figures ({id, title, figure?, note?}, as HoMM.Reports writes them) into a
// container, one section each: used by the HTML report (inlined) and the dashboard's pages
// (served as /static/figures.js). Figures are drawn as they come near the screen, so a page
// shows at once, and can be replaced in place (the dashboard refreshes them while a study runs).
window.HommFigures = (function () {
  "use strict";

  // A page gets about 16 WebGL contexts from the browser, and each WebGL plot takes 2 (3 for
  // parallel coordinates); past that the browser silently blanks the oldest plot. So figures
  // are drawn when they come near the screen, and WebGL figures far from it are released again
  // (redrawn when scrolled back), keeping the page within GL_CONTEXT_BUDGET at any time.
  const GL_CONTEXT_BUDGET = 10;
  const config = { responsive: true, displaylogo: false };

  function glContexts(figure) {
    const types = new Set(figure.data.map((t) => t.type));
    return types.has("parcoords") ? 3 : types.has("scattergl") ? 2 : 0;
  }

  // options.index: an element that gets a link per figure; options.onDrawn(drawn, total): called
  // each time a figure is drawn for the first time.
  function create(container, options) {
    options = options || {};
    const items = new Map();
    const timings = [];
    const queue = [];
    let busy = false;

    function liveContexts() {
      let n = 0;
      for (const it of items.values()) if (it.live) n += it.contexts;
      return n;
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
        const idle = [...items.values()].filter((it) => it.live && it.contexts > 0 && !it.visible)
          .sort((a, b) => a.lastVisible - b.lastVisible)[0];
        if (!idle) return;
        release(idle);
      }
    }

    function reportDrawn() {
      const withPlots = [...items.values()].filter((it) => it.figure);
      const drawn = withPlots.filter((it) => it.drawnOnce).length;
      if (options.onDrawn) options.onDrawn(drawn, withPlots.length);
    }

    function pump() {
      if (busy) return;
      // The dashboard loads plotly.js (4.8 MB) asynchronously so its table does not wait for it.
      if (!window.Plotly) { setTimeout(pump, 50); return; }
      const item = queue.shift();
      if (!item) return;
      if (!item.figure || !item.div || !item.visible || (item.live && !item.stale)) { pump(); return; }
      busy = true;
      const wasLive = item.live;
      if (!wasLive && item.contexts > 0) makeRoom(item.contexts);
      const t0 = performance.now();
      const draw = wasLive ? Plotly.react : Plotly.newPlot;
      item.stale = false;
      draw(item.div, item.figure.data, item.figure.layout, config).then(() => {
        item.live = true;
        if (!wasLive) item.div.on("plotly_webglcontextlost", () => console.error("WebGL context lost in " + item.section.id));
        if (!item.drawnOnce) {
          item.drawnOnce = true;
          timings.push([item.section.id, Math.round(performance.now() - t0)]);
          reportDrawn();
        }
      }, (err) => {
        console.error("figure " + item.section.id + ": " + err);
      }).finally(() => {
        busy = false;
        setTimeout(pump, 0);
      });
    }

    const observer = new IntersectionObserver((entries) => {
      const now = performance.now();
      for (const e of entries) {
        const item = [...items.values()].find((it) => it.div === e.target);
        if (!item) continue;
        item.visible = e.isIntersecting;
        item.lastVisible = now;
        if (item.visible && (!item.live || item.stale)) queue.push(item);
      }
      pump();
    }, { rootMargin: "50% 0px" });

    function section(f) {
      const s = document.createElement("section");
      s.className = "figure";
      s.id = "figure-" + f.id;
      const h = document.createElement("h2");
      s.appendChild(h);
      const note = document.createElement("p");
      note.className = "note";
      s.appendChild(note);
      let link = null;
      if (options.index) {
        link = document.createElement("a");
        link.href = "#" + s.id;
        options.index.appendChild(link);
      }
      return { id: f.id, section: s, title: h, div: null, note, link, figure: null, contexts: 0,
        live: false, stale: false, drawnOnce: false, visible: false, lastVisible: 0 };
    }

    // The plot's element exists only while the section has a figure (a note has none).
    function plotDiv(item) {
      if (!item.div) {
        item.div = document.createElement("div");
        item.div.className = "plot";
        item.section.insertBefore(item.div, item.note);
        observer.observe(item.div);
      }
      return item.div;
    }

    function dropPlot(item) {
      if (!item.div) return;
      if (item.live) release(item);
      observer.unobserve(item.div);
      item.div.remove();
      item.div = null;
      item.visible = false;
    }

    // Shows these figures, in this order: new ones are added, changed ones redrawn in place
    // (at once when on screen, else when they next come near it), missing ones removed.
    function set(figures) {
      const keep = new Set(figures.map((f) => f.id));
      for (const [id, item] of items) {
        if (keep.has(id)) continue;
        dropPlot(item);
        item.section.remove();
        if (item.link) item.link.remove();
        items.delete(id);
      }
      for (const f of figures) {
        let item = items.get(f.id);
        if (!item) { item = section(f); items.set(f.id, item); }
        item.title.textContent = f.title;
        if (item.link) { item.link.textContent = f.title; options.index.appendChild(item.link); }
        container.appendChild(item.section);
        if (f.figure) {
          item.figure = f.figure;
          item.contexts = glContexts(f.figure);
          plotDiv(item).style.height = (f.figure.layout.height || 450) + "px";
          item.note.hidden = true;
          if (item.live) {
            if (item.visible) { item.stale = true; queue.push(item); } else release(item);
          } else if (item.visible) {
            queue.push(item);
          }
        } else {
          dropPlot(item);
          item.figure = null;
          item.note.hidden = false;
          item.note.textContent = f.note || "nothing to show";
        }
      }
      reportDrawn();
      pump();
    }

    return { set, timings, liveContexts };
  }

  return { create };
})();
