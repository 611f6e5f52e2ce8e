// The live page: one tile per athlete coloured by zone, the round clock, fed by
// Server-Sent Events (/api/live/events). A reload gets every athlete's latest state first.
(function () {
  "use strict";
  const tiles = document.getElementById("live-tiles");
  const clockBox = document.getElementById("live-clock");
  const status = document.getElementById("live-status");
  let clock = null; // {round, phase, left_s, warning} and the wall time it was received
  const fmt = (v, d) => (v === null || v === undefined ? "–" : Number(v).toFixed(d || 0));

  function tile(name) {
    let el = tiles.querySelector('[data-athlete="' + CSS.escape(name) + '"]');
    if (!el) {
      el = document.createElement("div");
      el.className = "live-tile z0";
      el.dataset.athlete = name;
      tiles.appendChild(el);
    }
    return el;
  }

  function render(e) {
    const el = tile(e.athlete);
    el.className = "live-tile z" + (e.zone || 0) + (e.towel && e.towel.alert ? " alert" : "");
    const p = e.punches || {};
    const hands = Object.entries(p.by_hand || {}).map(([k, v]) => k + " " + v).join(", ");
    const types = Object.entries(p.by_type || {}).map(([k, v]) => k.replace("_", " ") + " " + v).join(", ");
    const rec = e.recovery;
    el.innerHTML =
      "<h2></h2>" +
      '<div class="hr"><span class="bpm">' + fmt(e.hr_bpm) + '</span> bpm</div>' +
      '<div class="row">' + fmt(e.pct_max) + " % max · zone " + (e.zone || "–") + "</div>" +
      '<div class="row">TRIMP ' + fmt(e.trimp, 1) + " · rMSSD " + fmt(e.rmssd_ms) + " ms</div>" +
      (rec ? '<div class="row">recovery ' + fmt(rec.hrr_now_bpm) + " bpm" +
        (rec.hrr_60s_bpm !== null && rec.hrr_60s_bpm !== undefined ? " · 1-min " + fmt(rec.hrr_60s_bpm) : "") + "</div>" : "") +
      '<div class="row punches">round ' + (p.round || "–") + ": " + (p.n || 0) + " punches" +
      (hands ? " (" + hands + ")" : "") + (p.per_min ? " · " + fmt(p.per_min) + "/min" : "") + "</div>" +
      (types ? '<div class="row small">' + types + "</div>" : "") +
      (e.towel ? '<div class="row towel">towel ' + fmt(e.towel.risk * 100) + " %" +
        (e.towel.message ? ": " + e.towel.message : "") + "</div>" : "");
    el.querySelector("h2").textContent = e.athlete;
    if (e.clock) clock = { c: e.clock, at: performance.now() };
  }

  function drawClock() {
    if (!clock) return;
    const c = clock.c;
    clockBox.querySelector(".round").textContent = "Round " + c.round;
    clockBox.querySelector(".phase").textContent = c.phase;
    const left = Math.max(0, c.left_s);
    const m = Math.floor(left / 60), s = Math.floor(left % 60);
    clockBox.querySelector(".left").textContent = m + ":" + String(s).padStart(2, "0");
    clockBox.className = "live-clock " + c.phase + (c.warning ? " warning" : "");
  }

  const source = new EventSource("/api/live/events");
  source.onmessage = (msg) => { render(JSON.parse(msg.data)); drawClock(); };
  source.onerror = () => {
    fetch("/api/live/state").then((r) => r.json()).then((s) => {
      if (!s.running) {
        source.close();
        status.textContent = "ended";
        status.className = "badge none";
      }
    }).catch(() => {});
  };
})();
