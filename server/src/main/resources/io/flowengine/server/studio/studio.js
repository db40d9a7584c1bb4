// FlowEngine Studio: the editor (validate and preview as you type, tests, download, save) and the
// runs (live list, summary, rows/s, dead letters, upload). Everything shown is set as text
// (textContent), never as HTML, so a value holding markup is shown as it is.
(function () {
  "use strict";

  const TEMPLATE = [
    "version: 1",
    "name: my-pipeline",
    "source:",
    "  format: csv",
    "steps:",
    "  - name: tidy",
    "    javascript: |",
    "      function transform(row, ctx) {",
    "        row.name = row.name.trim();",
    "        return row;",
    "      }",
    "  - name: only-named",
    "    filter: \"row.name !== ''\"",
    "sink:",
    "  format: csv",
    "errors:",
    "  onError: dead-letter",
    "tests:",
    "  - name: names are trimmed, empty ones dropped",
    "    input: |",
    "      id,name",
    "      1,  ann  ",
    "      2,",
    "    expect: |",
    "      id,name",
    "      1,ann",
    "",
  ].join("\n");
  const SAMPLE = "id,name\n1,  ann  \n2,\n3,bob\n";
  const KEY = "flowengine.key";

  const $ = (id) => document.getElementById(id);
  let about = { allowEdit: false, maxPreviewRows: 1000, authRequired: false };
  let editor;
  let problemMarks = [];
  let generation = 0;
  let debounce;

  // ---- the API ---------------------------------------------------------------------------
  class Unauthorized extends Error {}

  async function api(path, options = {}) {
    const headers = new Headers(options.headers || {});
    const key = sessionStorage.getItem(KEY);
    if (key) headers.set("Authorization", "Bearer " + key);
    const res = await fetch(path, { ...options, headers });
    if (res.status === 401) {
      askForKey(key ? "That key was not accepted." : "");
      throw new Unauthorized("an API key is needed");
    }
    return res;
  }

  async function json(path, options) {
    const res = await api(path, options);
    const body = await res.json().catch(() => ({}));
    return { status: res.status, body };
  }

  function problemText(body, status) {
    return (body && (body.detail || body.title)) || "the server answered " + status;
  }

  function askForKey(message) {
    $("key-panel").hidden = false;
    $("key-error").textContent = message;
    $("key").focus();
  }

  // ---- small DOM helpers -----------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.substring(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  function clear(e) {
    while (e.firstChild) e.removeChild(e.firstChild);
    return e;
  }

  function table(columns, rows, caption) {
    const t = el("table");
    if (caption) t.append(el("caption", { text: caption }));
    t.append(el("thead", null, el("tr", null, ...columns.map((c) => el("th", { scope: "col", text: c })))));
    const body = el("tbody");
    for (const r of rows) {
      body.append(el("tr", null, ...r.map((v) => (v === null || v === undefined
        ? el("td", { class: "null", text: "(not set)" }) : el("td", { text: String(v) })))));
    }
    t.append(body);
    return el("div", { class: "scroll" }, t);
  }

  function status(text, isError) {
    const s = $("status");
    s.textContent = text;
    s.className = isError ? "error" : "";
  }

  // ---- pages ------------------------------------------------------------------------------
  function showPage() {
    const runs = location.hash === "#runs" || location.hash.startsWith("#runs/");
    $("editor-page").hidden = runs;
    $("runs-page").hidden = !runs;
    if (runs) {
      $("nav-editor").removeAttribute("aria-current");
      $("nav-runs").setAttribute("aria-current", "page");
      loadRuns();
      const id = location.hash.substring("#runs/".length);
      if (location.hash.startsWith("#runs/") && id) openRun(id);
    } else {
      $("nav-runs").removeAttribute("aria-current");
      $("nav-editor").setAttribute("aria-current", "page");
      if (editor) editor.refresh();
    }
  }

  // ---- editor -----------------------------------------------------------------------------
  function scheduleCheck() {
    clearTimeout(debounce);
    debounce = setTimeout(check, 400);
  }

  async function check() {
    const mine = ++generation;
    const text = editor.getValue();
    status("checking…");
    let v;
    try {
      v = await json("/v1/validate", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ pipeline: text }) });
    } catch (e) {
      if (mine === generation) status(e instanceof Unauthorized ? "API key needed" : "cannot reach the server: " + e.message, true);
      return;
    }
    if (mine !== generation) return;
    if (v.status !== 200) {
      status(problemText(v.body, v.status), true);
      return;
    }
    showProblems(v.body.problems || []);
    showSteps(v.body.steps || []);
    if (!v.body.valid) {
      status(v.body.problems.length + " problem" + (v.body.problems.length === 1 ? "" : "s"), true);
      return;
    }
    const sample = $("sample").value;
    if (!sample.trim()) {
      clear($("preview")).append(el("p", { class: "muted", text: "Paste a sample CSV (or choose a file) to see each step's rows." }));
      status("valid");
      return;
    }
    const records = Math.max(1, Number($("records").value) || 100);
    const p = await json("/v1/preview", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ pipeline: text, sample, records }) }).catch((e) => ({ status: 0, body: { detail: e.message } }));
    if (mine !== generation) return;
    if (p.status !== 200) {
      status(problemText(p.body, p.status), true);
      if (p.body && p.body.problems) showProblems(p.body.problems);
      return;
    }
    showPreview(p.body);
    status("valid; previewed " + p.body.input.rows.length + " record" + (p.body.input.rows.length === 1 ? "" : "s"));
  }

  function showProblems(problems) {
    problemMarks.forEach((m) => m.clear());
    problemMarks = [];
    editor.clearGutter("problems-gutter");
    const list = clear($("problems"));
    if (problems.length === 0) {
      list.append(el("li", { class: "muted", text: "none" }));
      return;
    }
    for (const p of problems) {
      const inText = p.file === "pipeline.yaml" || p.file === currentFileName();
      const where = p.line > 0 ? (inText ? "" : p.file + " ") + "line " + p.line + (p.column > 0 ? ", column " + p.column : "") : p.file;
      const item = el("li", { class: "problem" });
      if (p.line > 0 && inText) {
        // a position just past the text (an expression cut short) marks the last line
        const line = Math.min(p.line - 1, editor.lineCount() - 1);
        const ch = Math.max(0, p.column - 1);
        const lineText = editor.getLine(line) || "";
        const end = ch < lineText.length ? { line, ch: lineText.length } : { line, ch: ch + 1 };
        problemMarks.push(editor.markText({ line, ch: Math.min(ch, lineText.length) }, end,
          { className: "cm-problem", attributes: { title: p.message } }));
        editor.setGutterMarker(line, "problems-gutter", el("span", { class: "problem-marker", title: p.message, text: "●" }));
        item.append(el("button", { type: "button", class: "link", text: where, onclick: () => {
          editor.focus();
          editor.setCursor({ line, ch });
        } }), ": " + p.message);
      } else {
        item.append((where ? where + ": " : "") + p.message);
      }
      list.append(item);
    }
  }

  function showSteps(steps) {
    const list = clear($("steps"));
    for (const s of steps) {
      list.append(el("li", null, el("strong", { text: s.name }), " — " + s.kind + (s.runtime ? ", " + s.runtime : "")
        + (s.reason ? " (" + s.reason + ")" : "")));
    }
  }

  function rowsOf(t) {
    return t.rows.map((r) => [r.row, r.line, ...r.values]);
  }

  function showPreview(p) {
    const out = clear($("preview"));
    out.append(el("h3", { text: "Input" }), table(["row", "line", ...p.input.columns], rowsOf(p.input), p.input.rows.length + " records"));
    if (p.unreadable.length) {
      out.append(el("h3", { class: "error", text: "Unreadable records" }),
        table(["row", "line", "error", "raw"], p.unreadable.map((d) => [d.row, d.line, d.error, d.raw])));
    }
    for (const s of p.stages) {
      const box = el("section", { class: "stage", "data-step": s.step });
      box.append(el("h3", { text: "After " + s.step + " (" + s.kind + (s.runtime ? ", " + s.runtime : "") + ")" }));
      box.append(table(["row", "line", ...s.rows.columns], rowsOf(s.rows), s.rows.rows.length + " rows"));
      if (s.dropped.length) {
        box.append(el("p", { text: "Dropped by the filter: " + s.dropped.map((d) => "row " + d.row + " (line " + d.line + ")").join(", ") }));
      }
      if (s.errors.length) {
        box.append(el("h4", { class: "error", text: s.errors.length + " row error" + (s.errors.length === 1 ? "" : "s") }),
          table(["row", "line", "error", "record"], s.errors.map((d) => [d.row, d.line, d.error,
            d.values ? Object.entries(d.values).map(([k, v]) => k + "=" + v).join(", ") : d.raw])));
      }
      out.append(box);
    }
    out.append(el("h3", { text: "Output (the sink's columns)" }), table(p.output.columns, p.output.rows.map((r) => r.values),
      p.output.rows.length + " rows"));
    if (p.console) out.append(el("h3", { text: "Console" }), el("pre", { class: "console", text: p.console }));
  }

  async function runTests() {
    const box = clear($("tests"));
    box.append(el("p", { class: "muted", text: "running tests…" }));
    const r = await json("/v1/test", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ pipeline: editor.getValue() }) }).catch((e) => ({ status: 0, body: { detail: e.message } }));
    clear(box);
    box.append(el("h3", { text: "Tests" }));
    if (r.status !== 200) {
      box.append(el("p", { class: "error", text: problemText(r.body, r.status) }));
      return;
    }
    if (r.body.tests.length === 0) {
      box.append(el("p", { class: "muted", text: "This pipeline has no tests: add a tests: section (input and expect)." }));
      return;
    }
    const passed = r.body.tests.filter((t) => t.passed).length;
    box.append(el("p", { class: r.body.passed ? "pass" : "fail", text: passed + " of " + r.body.tests.length + " passed" }));
    const list = el("ul");
    for (const t of r.body.tests) {
      const item = el("li", { class: "test" }, el("strong", { class: t.passed ? "pass" : "fail", text: t.passed ? "PASS" : "FAIL" }), " " + t.name);
      if (!t.passed) {
        const pre = el("pre", { class: "diff", "aria-label": "expected (-) against actual (+)" });
        for (const line of t.diff) {
          pre.append(el("span", { class: line.startsWith("-") ? "del" : line.startsWith("+") ? "add" : "", text: line + "\n" }));
        }
        item.append(pre);
      }
      list.append(item);
    }
    box.append(list);
  }

  function currentFileName() {
    return ($("save-name").value || $("pipeline-pick").value || "pipeline") + ".yaml";
  }

  function download(name, text, type) {
    const a = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  async function pick() {
    const name = $("pipeline-pick").value;
    $("save-name").value = name;
    if (!name) {
      editor.setValue(TEMPLATE);
      return;
    }
    const res = await api("/v1/pipelines/" + encodeURIComponent(name));
    if (!res.ok) {
      status("cannot load " + name + ": " + res.status, true);
      return;
    }
    editor.setValue(await res.text());
  }

  // its own line: the checks that run as you type must not overwrite what a save said
  function saveStatus(text, isError) {
    const s = $("save-status");
    s.textContent = text;
    s.className = isError ? "error" : "";
  }

  async function save() {
    const name = $("save-name").value.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(name)) {
      saveStatus("a name is letters, digits, '-' and '_'", true);
      $("save-name").focus();
      return;
    }
    const r = await json("/v1/pipelines/" + encodeURIComponent(name), { method: "PUT",
      headers: { "Content-Type": "application/yaml" }, body: editor.getValue() }).catch((e) => ({ status: 0, body: { detail: e.message } }));
    if (r.status === 200) {
      saveStatus("saved as " + r.body.file);
      await loadPipelines(name);
    } else {
      saveStatus(problemText(r.body, r.status), true);
      if (r.body.problems) showProblems(r.body.problems);
    }
  }

  function readSampleFile() {
    const f = $("sample-file").files[0];
    if (!f) return;
    // the first MiB is plenty for the records a preview takes; a last partial line is cut off
    const reader = new FileReader();
    reader.onload = () => {
      let text = String(reader.result);
      if (f.size > 1 << 20) text = text.substring(0, text.lastIndexOf("\n") + 1);
      $("sample").value = text;
      scheduleCheck();
    };
    reader.readAsText(f.slice(0, 1 << 20));
  }

  async function loadPipelines(selected) {
    const r = await json("/v1/pipelines");
    if (r.status !== 200) return;
    for (const sel of [$("pipeline-pick"), $("upload-pipeline")]) {
      const keep = selected !== undefined && sel.id === "pipeline-pick" ? selected : sel.value;
      while (sel.options.length > (sel.id === "pipeline-pick" ? 1 : 0)) sel.remove(sel.options.length - 1);
      for (const n of r.body.pipelines) sel.append(el("option", { value: n, text: n }));
      if (keep && r.body.pipelines.includes(keep)) sel.value = keep;
    }
  }

  // ---- runs -------------------------------------------------------------------------------
  const watching = new Map(); // run id -> {samples: [[elapsedMs, rowsRead]], rowsRead}
  let selectedRun = null;
  let deadLetters = { header: [], rows: [] };
  let runsTimer;

  async function loadRuns() {
    clearTimeout(runsTimer);
    if ($("runs-page").hidden) return;
    try {
      const r = await json("/v1/runs?limit=50");
      if (r.status === 200) showRuns(r.body.runs);
    } catch (e) {
      if (e instanceof Unauthorized) return;
    }
    runsTimer = setTimeout(loadRuns, 3000);
  }

  function duration(ms) {
    return ms === undefined || ms === null ? "" : ms < 1000 ? ms + " ms" : (ms / 1000).toFixed(1) + " s";
  }

  function showRuns(runs) {
    const body = clear($("runs").tBodies[0]);
    if (runs.length === 0) {
      body.append(el("tr", null, el("td", { colspan: "8", class: "muted", text: "No runs yet: upload a file above." })));
    }
    for (const run of runs) {
      const live = watching.get(run.id);
      const running = run.status === "running";
      if (running && !live) watch(run.id);
      const rowsIn = running && live ? live.rowsRead : run.rowsIn;
      const tr = el("tr", { "data-run": run.id, class: run.id === selectedRun ? "selected" : "" },
        el("td", null, el("a", { href: "#runs/" + run.id, text: run.pipeline })),
        el("td", { class: "status-" + run.status, text: run.status }),
        el("td", { class: "rows-in", text: rowsIn === undefined ? "" : String(rowsIn) }),
        el("td", { text: run.rowsOut === undefined ? "" : String(run.rowsOut) }),
        el("td", { text: run.rowsFiltered === undefined ? "" : String(run.rowsFiltered) }),
        el("td", { text: run.rowsFailed === undefined ? "" : String(run.rowsFailed) }),
        el("td", { text: running && live ? duration(live.elapsedMs) : duration(run.durationMs) }),
        el("td", { text: (run.startedAt || "").replace("T", " ").replace("Z", " UTC") }));
      body.append(tr);
    }
  }

  // server-sent events over fetch (EventSource cannot send the Authorization header)
  async function watch(id) {
    const live = { samples: [[0, 0]], rowsRead: 0, elapsedMs: 0 };
    watching.set(id, live);
    try {
      const res = await api("/v1/runs/" + encodeURIComponent(id) + "/events");
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.substring(0, cut);
          buffer = buffer.substring(cut + 2);
          const type = (event.match(/^event: ?(.*)$/m) || [])[1];
          const data = event.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.replace(/^data: ?/, "")).join("\n");
          if (type === "history") {
            live.samples = JSON.parse(data);
            if (selectedRun === id) drawChart(live.samples, null);
          } else if (type === "progress") {
            const p = JSON.parse(data);
            live.rowsRead = p.rowsRead;
            live.elapsedMs = p.elapsedMs;
            live.samples.push([p.elapsedMs, p.rowsRead]);
            const cell = document.querySelector("tr[data-run='" + CSS.escape(id) + "'] .rows-in");
            if (cell) cell.textContent = String(p.rowsRead);
            if (selectedRun === id) drawChart(live.samples, null);
          } else if (type === "summary") {
            const s = JSON.parse(data);
            live.done = true;
            if (selectedRun === id) openRun(id);
            loadRuns();
          }
        }
      }
    } catch (e) {
      live.done = true;
    }
  }

  async function openRun(id) {
    selectedRun = id;
    document.querySelectorAll("#runs tr").forEach((tr) => tr.classList.toggle("selected", tr.dataset.run === id));
    const r = await json("/v1/runs/" + encodeURIComponent(id));
    if (r.status !== 200) return;
    const s = r.body;
    $("run-detail").hidden = false;
    $("run-title").textContent = "Run " + id + " of " + s.pipeline;
    const dl = clear($("run-summary"));
    for (const [k, v] of Object.entries(s)) {
      if (v === null || typeof v === "object") continue; // steps below; progress is the chart
      dl.append(el("dt", { text: k }), el("dd", { text: String(v) }));
    }
    if (Array.isArray(s.steps)) {
      dl.append(el("dt", { text: "steps" }), el("dd", { text: s.steps.map((x) => x.name + (x.runtime ? " (" + x.runtime + ")" : "")).join(", ") }));
    }
    // a finished run's record has its whole history; a running one's comes with its events
    const live = watching.get(id);
    drawChart(Array.isArray(s.progress) ? s.progress : live ? live.samples : null, s);
    if (s.status !== "running") loadDeadLetters(id);
  }

  function drawChart(samples, summary) {
    const box = clear($("chart"));
    const rates = [];
    for (let i = 1; samples && i < samples.length; i++) {
      const dt = samples[i][0] - samples[i - 1][0];
      if (dt > 0) rates.push([samples[i][0], (samples[i][1] - samples[i - 1][1]) * 1000 / dt]);
    }
    if (rates.length < 3) {
      if (summary && summary.durationMs > 0 && summary.rowsIn !== undefined) {
        box.append(el("p", { text: "On average " + Math.round(summary.rowsIn * 1000 / summary.durationMs).toLocaleString("en")
          + " rows/s over " + duration(summary.durationMs) + " (too short for a curve: the rate is sampled every half second)." }));
      } else {
        box.append(el("p", { class: "muted", text: "Waiting for progress…" }));
      }
      return;
    }
    const w = 640, h = 160, pad = 28;
    const maxT = Math.max(1, ...rates.map((r) => r[0]));
    const maxR = Math.max(1, ...rates.map((r) => r[1]));
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "rows read per second over the run; peak " + Math.round(maxR) + " rows/s");
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", rates.map(([t, r]) => (pad + (w - 2 * pad) * t / maxT).toFixed(1) + ","
      + (h - pad - (h - 2 * pad) * r / maxR).toFixed(1)).join(" "));
    svg.append(line);
    for (const [x, y, label] of [[pad, 14, Math.round(maxR).toLocaleString("en") + " rows/s"], [w - pad - 40, h - 8, duration(maxT)]]) {
      const t = document.createElementNS(ns, "text");
      t.setAttribute("x", x);
      t.setAttribute("y", y);
      t.textContent = label;
      svg.append(t);
    }
    box.append(svg);
  }

  // RFC 4180: quoted fields, doubled quotes, line breaks inside quotes
  function parseCsv(text) {
    const rows = [];
    let row = [], field = "", quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
        } else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { row.push(field); field = ""; }
      else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i++;
        row.push(field); rows.push(row); row = []; field = "";
      } else field += c;
    }
    if (field !== "" || row.length) { row.push(field); rows.push(row); }
    return rows;
  }

  function toCsv(rows) {
    return rows.map((r) => r.map((v) => (/[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v)).join(",")).join("\n") + "\n";
  }

  async function loadDeadLetters(id) {
    const res = await api("/v1/runs/" + encodeURIComponent(id) + "/dead-letters");
    const all = res.ok ? parseCsv(await res.text()) : [];
    deadLetters = { header: all[0] || [], rows: all.slice(1), id };
    const steps = [...new Set(deadLetters.rows.map((r) => r[deadLetters.header.indexOf("_step")]))].filter((x) => x !== undefined);
    const sel = $("dl-step");
    while (sel.options.length > 1) sel.remove(1);
    for (const s of steps) sel.append(el("option", { value: s, text: s }));
    showDeadLetters();
  }

  function filteredDeadLetters() {
    const step = $("dl-step").value;
    const text = $("dl-text").value.toLowerCase();
    const si = deadLetters.header.indexOf("_step"), ei = deadLetters.header.indexOf("_error");
    return deadLetters.rows.filter((r) => (!step || r[si] === step) && (!text || (r[ei] || "").toLowerCase().includes(text)));
  }

  function showDeadLetters() {
    const rows = filteredDeadLetters();
    $("dl-count").textContent = rows.length + " of " + deadLetters.rows.length + " dead letters";
    const box = clear($("dead-letters").parentElement);
    const t = table(deadLetters.header, rows.slice(0, 1000)).firstChild;
    t.id = "dead-letters";
    box.append(t);
  }

  async function upload(ev) {
    ev.preventDefault();
    const pipeline = $("upload-pipeline").value;
    const file = $("upload-file").files[0];
    if (!pipeline || !file) return;
    const form = new FormData();
    form.append("file", file, file.name);
    $("upload-status").textContent = "uploading " + file.name + "…";
    try {
      const res = await api("/v1/pipelines/" + encodeURIComponent(pipeline) + "/transform", { method: "POST", body: form });
      const id = res.headers.get("Flow-Run-Id");
      if (id && !watching.has(id)) watch(id);
      if (id) location.hash = "#runs/" + id;
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        $("upload-status").textContent = "refused: " + problemText(body, res.status);
        return;
      }
      const output = await res.blob();
      const status = $("upload-status");
      clear(status).append("run " + (id || "") + " finished; ", el("button", { type: "button", class: "link", text: "download the output",
        onclick: () => download(pipeline + "-output" + (output.type.includes("json") ? ".json" : ".csv"), output, output.type) }));
      loadRuns();
    } catch (e) {
      if (!(e instanceof Unauthorized)) $("upload-status").textContent = "the upload failed: " + e.message;
    }
  }

  // ---- start ------------------------------------------------------------------------------
  async function start() {
    editor = CodeMirror.fromTextArea($("yaml"), {
      mode: "flowengine-pipeline",
      lineNumbers: true,
      indentUnit: 2,
      tabSize: 2,
      gutters: ["CodeMirror-linenumbers", "problems-gutter"],
      extraKeys: {
        Tab: (cm) => cm.execCommand(cm.somethingSelected() ? "indentMore" : "insertSoftTab"),
        "Shift-Tab": "indentLess",
        // the editor keeps Tab for indenting; Esc hands the focus on, so the keyboard is never stuck in it
        Esc: () => $("sample").focus(),
      },
      screenReaderLabel: "Pipeline YAML",
    });
    editor.on("changes", scheduleCheck);
    $("sample").value = SAMPLE;
    $("sample").addEventListener("input", scheduleCheck);
    $("records").addEventListener("input", scheduleCheck);
    $("sample-file").addEventListener("change", readSampleFile);
    $("pipeline-pick").addEventListener("change", pick);
    $("run-tests").addEventListener("click", runTests);
    $("download").addEventListener("click", () => download(currentFileName(), editor.getValue(), "application/yaml"));
    $("save").addEventListener("click", save);
    $("upload-form").addEventListener("submit", upload);
    $("dl-step").addEventListener("change", showDeadLetters);
    $("dl-text").addEventListener("input", showDeadLetters);
    $("dl-download").addEventListener("click", () => download("dead-letters-" + deadLetters.id + ".csv",
      toCsv([deadLetters.header, ...filteredDeadLetters()]), "text/csv"));
    $("key-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(KEY, $("key").value.trim());
      $("key").value = "";
      $("key-panel").hidden = true;
      init();
    });
    window.addEventListener("hashchange", showPage);
    editor.setValue(TEMPLATE);
    init();
  }

  async function init() {
    try {
      const r = await json("/v1/studio");
      if (r.status === 200) about = r.body;
      document.querySelectorAll(".edit").forEach((e) => { e.hidden = !about.allowEdit; });
      $("records").max = String(about.maxPreviewRows);
      await loadPipelines();
      showPage();
      check();
    } catch (e) {
      if (!(e instanceof Unauthorized)) status("cannot reach the server: " + e.message, true);
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
