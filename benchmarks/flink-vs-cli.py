#!/usr/bin/env python3
"""The orders job (benchmarks/bench.yaml) through `flowengine run` and through the Flink launcher
(`flowengine-flink run`, an embedded local Flink) on the same file: wall time, rows/s and peak RSS
(from /usr/bin/time -v), and whether both wrote the same multiset of rows.

Usage: benchmarks/flink-vs-cli.py --rows 1000000 --runs 3 [--parallelism 2] [--markdown FILE]
Build first: ./mvnw -B -ntp install -DskipTests (cli/target/flowengine and flink/target/flowengine-flink)."""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLI = os.path.join(ROOT, "cli", "target", "flowengine")
FLINK = os.path.join(ROOT, "flink", "target", "flowengine-flink")
JOB = os.path.join(HERE, "bench.yaml")


def measured(cmd):
    start = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    wall = time.monotonic() - start
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-3000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    cpu = sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", p.stderr).group(1)) for k in ("User", "System"))
    return wall, rss, cpu


def lines(paths, skip_header):
    """Sorted data lines of the files (the generator's quoted line breaks stay within a record's lines)."""
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            data = f.read().splitlines()
        out.extend(data[1:] if skip_header else data)
    return sorted(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--parallelism", type=int, default=2)
    ap.add_argument("--data", default="/tmp/flowengine-bench")
    ap.add_argument("--markdown")
    args = ap.parse_args()
    os.makedirs(args.data, exist_ok=True)
    data = os.path.join(args.data, f"orders-{args.rows}.csv")
    if not os.path.exists(data):
        with open(data, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "gen-orders.py"), str(args.rows)], stdout=f, check=True)
    results = {"flowengine run": [], f"flowengine-flink run -p {args.parallelism}": []}
    cli_out = os.path.join(args.data, "flink-bench-cli.csv")
    flink_out = os.path.join(args.data, "flink-bench-out")
    for run in range(args.runs):
        r = measured([CLI, "run", JOB, "-i", data, "-o", cli_out, "-q"])
        results["flowengine run"].append(r)
        print(f"run {run + 1} flowengine run        {r[0]:7.2f} s {r[1] / 1024:6.0f} MiB {r[2]:6.1f} CPU-s", file=sys.stderr)
        shutil.rmtree(flink_out, ignore_errors=True)
        r = measured([FLINK, "run", JOB, "-i", data, "-o", flink_out, "-p", str(args.parallelism), "-q"])
        results[f"flowengine-flink run -p {args.parallelism}"].append(r)
        print(f"run {run + 1} flowengine-flink run  {r[0]:7.2f} s {r[1] / 1024:6.0f} MiB {r[2]:6.1f} CPU-s", file=sys.stderr)
    parts = [p for p in glob.glob(os.path.join(flink_out, "**", "*"), recursive=True)
             if os.path.isfile(p) and not os.path.basename(p).startswith(".")]
    same = lines([cli_out], True) == lines(parts, True)
    table = [f"Orders job, {args.rows:,} rows ({os.path.getsize(data) / 1e6:.0f} MB), {args.runs} runs each, medians;"
             f" same rows: {'yes' if same else 'NO'} ({len(parts)} part files)", "",
             "| tool | wall s | rows/s | peak RSS MiB | CPU-s |", "|---|---:|---:|---:|---:|"]
    for name, rs in results.items():
        wall = statistics.median(r[0] for r in rs)
        table.append(f"| {name} | {wall:.2f} | {args.rows / wall:,.0f} | {statistics.median(r[1] for r in rs) / 1024:.0f}"
                     f" | {statistics.median(r[2] for r in rs):.1f} |")
    print("\n".join(table))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(table) + "\n")


if __name__ == "__main__":
    main()
