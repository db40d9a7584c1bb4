#!/usr/bin/env bash
# Runs the JMH benchmarks: benchmarks/jmh.sh [JMH options], for example
#   benchmarks/jmh.sh CsvBench            # one class
#   benchmarks/jmh.sh -f 1 -wi 2 -i 3     # shorter
# Builds what it needs first. JMH prints ops/s; every benchmark counts one operation per row.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
./mvnw -q -B package -DskipTests -pl benchmarks -am
exec java -Dpolyglot.engine.WarnInterpreterOnly=false -cp "benchmarks/target/classes:benchmarks/target/lib/*" \
  org.openjdk.jmh.Main "$@"
