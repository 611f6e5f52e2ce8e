// drago dashboard: draw the figure specs the server rendered, and upload files.
"use strict";

// Team mode: the session's CSRF token (cookie drago_csrf) goes with every post, as a header
// from scripts and as a hidden field of every form (OWASP CSRF Prevention Cheat Sheet).
function csrfToken() {
  const found = document.cookie.split("; ").find((c) => c.startsWith("drago_csrf="));
  return found ? decodeURIComponent(found.slice("drago_csrf=".length)) : "";
}

function protectForms() {
  const token = csrfToken();
  if (!token) return;
  for (const form of document.querySelectorAll("form[method=post]")) {
    if (form.querySelector("input[name=csrf_token]")) continue;
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = "csrf_token";
    field.value = token;
    form.append(field);
  }
}

function drawFigures() {
  for (const node of document.querySelectorAll("script[data-figure]")) {
    const spec = JSON.parse(node.textContent);
    const target = document.getElementById(node.dataset.figure);
    if (spec && target && window.Plotly) {
      Plotly.newPlot(target, spec.data, spec.layout, spec.config).then(() => {
        target.dataset.rendered = "true";
      });
    }
  }
}

function cell(text, href) {
  const td = document.createElement("td");
  if (href) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    td.append(a);
  } else {
    td.textContent = text;
  }
  return td;
}

function fmt(value, digits = 0) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

async function refreshSessions(form) {
  const answer = await fetch(form.dataset.sessions);
  if (!answer.ok) return;
  const page = await answer.json();
  const body = document.getElementById("sessions");
  body.replaceChildren();
  for (const s of page.items) {
    const row = document.createElement("tr");
    row.append(
      cell(String(s.id), "/sessions/" + s.id),
      cell(s.start.slice(0, 16).replace("T", " ") + " UTC"),
      cell(s.activity),
      cell(fmt(s.duration_s / 60)),
      cell(fmt(s.hr_avg_bpm)),
      cell(fmt(s.hr_max_bpm)),
      cell(fmt(s.rpe)),
      cell(fmt(s.load)),
      cell(s.source_format || "logged"),
      cell(s.notes || ""),
    );
    body.append(row);
  }
}

async function upload(form, files) {
  const results = document.getElementById("results");
  results.replaceChildren();
  if (!files.length) return;
  const data = new FormData();
  for (const file of files) data.append("files", file, file.name);
  form.classList.add("busy");
  try {
    const headers = csrfToken() ? { "X-CSRF-Token": csrfToken() } : {};
    const answer = await fetch(form.dataset.url, { method: "POST", body: data, headers });
    const body = await answer.json();
    const lines = answer.ok
      ? body.results.map((r) => [r.status, `${r.file}: ${r.status}${r.reason ? " (" + r.reason + ")" : ""}`])
      : [["failed", body.error || `error ${answer.status}`]];
    for (const [status, text] of lines) {
      const li = document.createElement("li");
      li.className = status.replace(" ", "-");
      li.textContent = text;
      results.append(li);
    }
    if (answer.ok) await refreshSessions(form);
  } finally {
    form.classList.remove("busy");
  }
}

function wireUpload() {
  const form = document.getElementById("upload");
  if (!form) return;
  const input = document.getElementById("files");
  input.addEventListener("change", async () => {
    await upload(form, [...input.files]);
    input.value = ""; // the same file again fires "change" again
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  for (const name of ["dragenter", "dragover"]) {
    form.addEventListener(name, (event) => {
      event.preventDefault();
      form.classList.add("over");
    });
  }
  form.addEventListener("dragleave", () => form.classList.remove("over"));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    form.classList.remove("over");
    upload(form, event.dataTransfer.files);
  });
}

protectForms();
drawFigures();
wireUpload();
