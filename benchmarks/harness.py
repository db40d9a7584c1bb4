#!/usr/bin/env python3
"""End-to-end benchmark: FlowEngine against DuckDB, Miller and Node.js on the same job.

The job (benchmarks/bench.yaml): uppercase the name, total = amount x quantity, drop cancelled
rows, CSV out. The data set is seeded (benchmarks/gen-orders.py). Tools run interleaved, several
times; the table gives medians of wall time, rows/s, MB/s (input bytes), peak RSS, and each
tool's speed relative to FlowEngine's CLI. Everything in the table comes from this one run.

    python3 benchmarks/harness.py --rows 1000000 --runs 3
    python3 benchmarks/harness.py --rows 1000 --runs 5 --tools flowengine,miller
    python3 benchmarks/harness.py --rows 1000000 --runs 3 --markdown /tmp/table.md

Tools: flowengine (the CLI launcher, cold: a new JVM per run; its steps compile),
flowengine-graaljs (the same with execution.javascript: graaljs, benchmarks/bench-graaljs.yaml), flowengine-serve (a fresh server
per run; the time is the upload with curl, from request to last byte of the response; the RSS
is the server's), duckdb (@duckdb/node-api), miller (mlr), node (csv-parse + csv-stringify).
A tool that is not installed is skipped with a note; npm packages are installed on first use
into benchmarks/harness/node_modules (npm ci).
"""
import argparse
import csv
import filecmp
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LAUNCHER = os.path.join(ROOT, "cli", "target", "flowengine")
NODE_DIR = os.path.join(HERE, "harness")
ALL_TOOLS = ["flowengine", "flowengine-graaljs", "flowengine-serve", "duckdb", "miller", "node"]
MILLER_JOB = ["put", "$total = $amount * $quantity; $name = toupper($name)", "then", "filter", '$status != "cancelled"']


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_measured(cmd, stdout=None):
    """Runs cmd; returns (wall seconds, peak RSS in KiB of the process, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{cmd[0]} exited {code}: {err.strip()[-2000:]}")
    return wall, usage.ru_maxrss


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def serve_once(data, out, workdir):
    """A fresh server; one upload timed with curl; the server's peak RSS."""
    pipelines = os.path.join(workdir, "pipelines")
    os.makedirs(pipelines, exist_ok=True)
    shutil.copy(os.path.join(HERE, "bench.yaml"), pipelines)
    port = free_port()
    server = subprocess.Popen([LAUNCHER, "serve", "--pipelines", pipelines, "--host", "127.0.0.1", "--port", str(port),
                               "--data-dir", os.path.join(workdir, "data"), "--max-body-size", str(1 << 40)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start")
                time.sleep(0.1)
        # the java process is the launcher's own pid (exec)
        wall, _ = run_measured(["curl", "-sS", "--fail", "-X", "POST", "-T", data, "-H", "Content-Type: text/csv",
                                "-o", out, f"http://127.0.0.1:{port}/v1/pipelines/bench/transform"])
        rss = peak_rss_kib(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return wall, rss


def command(tool, data, out):
    if tool == "flowengine":
        return [LAUNCHER, "run", os.path.join(HERE, "bench.yaml"), "-i", data, "-o", out, "-q"]
    if tool == "flowengine-graaljs":
        return [LAUNCHER, "run", os.path.join(HERE, "bench-graaljs.yaml"), "-i", data, "-o", out, "-q"]
    if tool == "duckdb":
        return ["node", os.path.join(NODE_DIR, "duckdb.mjs"), data, out]
    if tool == "node":
        return ["node", os.path.join(NODE_DIR, "node-csv.mjs"), data, out]
    if tool == "miller":
        return ["mlr", "--icsv", "--ocsv", *MILLER_JOB, data]
    raise ValueError(tool)


def available(tool):
    """None when the tool can run, else why not."""
    if tool.startswith("flowengine"):
        if not os.access(LAUNCHER, os.X_OK):
            log("building FlowEngine: ./mvnw -q package -DskipTests")
            subprocess.run([os.path.join(ROOT, "mvnw"), "-q", "package", "-DskipTests"], cwd=ROOT, check=True)
        if tool == "flowengine-serve" and not shutil.which("curl"):
            return "curl is not installed"
        return None
    if tool == "miller":
        return None if shutil.which("mlr") else "mlr is not installed (Debian: apt-get install miller)"
    if not shutil.which("node"):
        return "node is not installed"
    if not os.path.isdir(os.path.join(NODE_DIR, "node_modules")):
        if not shutil.which("npm"):
            return "npm is not installed"
        log("installing the Node.js peers: npm ci in benchmarks/harness")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True,
                       stdout=subprocess.DEVNULL)
    return None


def records(path):
    """Data records of a CSV file (quoted line breaks counted once)."""
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", default=",".join(ALL_TOOLS))
    ap.add_argument("--data", default="/tmp/flowengine-bench", help="where the data set and outputs go")
    ap.add_argument("--markdown", help="also write the table as Markdown to this file")
    args = ap.parse_args()

    os.makedirs(args.data, exist_ok=True)
    data = os.path.join(args.data, f"orders-{args.rows}.csv")
    if not os.path.exists(data):
        log(f"generating {data}")
        with open(data, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "gen-orders.py"), str(args.rows)], stdout=f, check=True)
    size = os.path.getsize(data)

    tools, skipped = [], []
    for t in args.tools.split(","):
        why = available(t)
        (skipped.append(f"{t}: {why}") if why else tools.append(t))

    walls = {t: [] for t in tools}
    rss = {t: [] for t in tools}
    outputs = {}
    for run in range(1, args.runs + 1):
        for t in tools:
            out = os.path.join(args.data, f"out-{t}.csv")
            if t == "flowengine-serve":
                w, r = serve_once(data, out, os.path.join(args.data, "serve"))
            elif t == "miller":
                with open(out, "wb") as f:
                    w, r = run_measured(command(t, data, out), stdout=f)
            else:
                w, r = run_measured(command(t, data, out))
            walls[t].append(w)
            rss[t].append(r)
            outputs[t] = out
            log(f"run {run}/{args.runs} {t:17} {w:8.2f} s  {r / 1024:7.0f} MiB")

    counts = {t: records(outputs[t]) for t in tools}
    base = statistics.median(walls["flowengine"]) if "flowengine" in walls else None

    def same(t):
        if "flowengine" not in outputs or t == "flowengine":
            return "-"
        return "yes" if filecmp.cmp(outputs["flowengine"], outputs[t], shallow=False) else "no (formatting)"
    lines = [
        f"{args.rows:,} rows, {size / 1e6:.0f} MB ({os.path.basename(data)}), {args.runs} runs each, interleaved; medians.",
        "",
        "| tool | wall | rows/s | MB/s | peak RSS | speed vs FlowEngine CLI | output records | output bytes = FlowEngine's |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for t in tools:
        w = statistics.median(walls[t])
        ratio = f"{base / w:.2f}x" if base else "-"
        lines.append(f"| {t} | {w:.2f} s | {args.rows / w:,.0f} | {size / 1e6 / w:.1f} | {statistics.median(rss[t]) / 1024:,.0f} MiB"
                     f" | {ratio} | {counts[t]:,} | {same(t)} |")
    if skipped:
        lines += ["", "Skipped: " + "; ".join(skipped)]
    lines += ["", f"Machine: {os.cpu_count()} cores, {platform.platform()}; "
                  f"{version(['java', '-version'])}; node {version(['node', '--version'])}; "
                  f"{version(['mlr', '--version'])}.",
              f"Command: `python3 benchmarks/harness.py --rows {args.rows} --runs {args.runs} --tools {','.join(tools)}`"]
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
