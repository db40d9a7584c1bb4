#!/usr/bin/env bash
# gzip and zstd in and out against plain files: the orders job (benchmarks/bench.yaml) on N rows
# (default 1M), each pairing run R times (default 3), interleaved, under /usr/bin/time.
# Usage: benchmarks/compression.sh [ROWS] [RUNS]; needs cli/target/flowengine, gzip and zstd.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rows="${1:-1000000}"
runs="${2:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$here/gen-orders.py" "$rows" > "$work/in.csv"
gzip -c "$work/in.csv" > "$work/in.csv.gz"
zstd -q -c "$work/in.csv" > "$work/in.csv.zst"
ls -l "$work"/in.csv* | awk '{print $5, $9}' | sed "s|$work/||" >&2
pairs=("csv csv" "csv.gz csv" "csv csv.gz" "csv.gz csv.gz" "csv.zst csv" "csv csv.zst" "csv.zst csv.zst")
for ((r = 1; r <= runs; r++)); do
  for pair in "${pairs[@]}"; do
    set -- $pair
    out="$work/out.$2"
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$here/../cli/target/flowengine" run "$here/bench.yaml" \
      -i "$work/in.$1" -o "$out" -q
    read -r wall user sys rss < "$work/time"
    printf '%s -> %s\trun %d\twall %s s\tcpu %.1f s\trss %d MiB\n' "$1" "$2" "$r" "$wall" "$(echo "$user + $sys" | bc)" \
      "$((rss / 1024))"
    if [ "$r" = 1 ]; then
      case "$2" in
        *.gz) gzip -dc "$out" > "$work/first.$1.$2" ;;
        *.zst) zstd -q -dc "$out" > "$work/first.$1.$2" ;;
        *) cp "$out" "$work/first.$1.$2" ;;
      esac
    fi
    rm -f "$out"
  done
done
# every output, decompressed, is the plain run's byte for byte
for f in "$work"/first.*; do
  cmp -s "$f" "$work/first.csv.csv" || { echo "differs: ${f##*/}" >&2; exit 1; }
done
echo "all outputs equal the plain run's" >&2
