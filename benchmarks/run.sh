#!/usr/bin/env bash
# Builds the JMH uber-jar, runs the soci-java benchmark suite plus the memory check, and prints
# one table of the issue targets (ours vs baseline measured in the same run, ratio, goal, result).
#
# Defaults take a few minutes on a 2-core machine. Override with environment variables:
#   QUICK=1            shorter iterations and a 256 MiB memory check at -Xmx66m (smoke test, noisier)
#   FORKS WI I W R     JMH forks / warmup iterations / measurement iterations / warmup time / time
#   INCLUDE            JMH benchmark regex (default: the whole suite; e.g. INCLUDE=ReaderBenchmark
#                      for targets 2 and 3 only: cold extraction and warm reads; INCLUDE=RealLayerBenchmark
#                      for issue 10's real layers: decode and zTOC build vs GZIPInputStream; add
#                      JMH_ARGS="-p layer=jdk-lib-gzip6,so-gzip6" to pick layers)
#   PROF               JMH profiler, e.g. PROF=gc or PROF="jfr:dir=/tmp/jfr" (adds -prof)
#   JMH_ARGS           extra JMH arguments, passed verbatim
#   MEM_MIB            layer size for the memory check (default 1024; 0 skips it)
#   MEM_XMX            heap for the memory check (default 72m = 64 MiB + the ~8.4 MiB zTOC of a
#                      1 GiB layer at 4 MiB spans; the report judges against 64 MiB + zTOC size)
#   MEM_XMX_RETRY      if the check fails at MEM_XMX, also try this heap, for information (80m)
#   SKIP_BUILD=1       reuse benchmarks/target/benchmarks.jar
#   OUT                results directory (default benchmarks/target/bench-results)
#   SOCI_BENCH_CACHE   where generated layers are cached (default <tmpdir>/soci-bench-layers)
# Only ratios mean anything on a shared machine: both sides of each ratio run in this one run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
out="${OUT:-$here/target/bench-results}"
mkdir -p "$out"

if [[ "${QUICK:-0}" == 1 ]]; then
  # 256 MiB layer: 64 spans, a ~2.1 MiB zTOC, so 64 MiB + zTOC is 66m.
  : "${WI:=1}" "${I:=2}" "${W:=1s}" "${R:=1s}" "${MEM_MIB:=256}" "${MEM_XMX:=66m}"
else
  : "${WI:=2}" "${I:=3}" "${W:=2s}" "${R:=2s}" "${MEM_MIB:=1024}"
fi
: "${FORKS:=1}" "${INCLUDE:=dev.soci.benchmarks.}" "${MEM_XMX:=72m}" "${MEM_XMX_RETRY:=80m}"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo ">> building $jar" >&2
  (cd "$root" && mvn -B -q -DskipTests package -pl benchmarks -am)
fi

json="$out/jmh.json"
mem="$out/memcheck.txt"
rm -f "$json" "$mem"

args=(-f "$FORKS" -wi "$WI" -i "$I" -w "$W" -r "$R" -rf json -rff "$json")
if [[ -n "${PROF:-}" ]]; then
  args+=(-prof "$PROF")
fi
# shellcheck disable=SC2206 # JMH_ARGS is meant to be word-split
extra=(${JMH_ARGS:-})

echo ">> JMH: ${args[*]} ${extra[*]} $INCLUDE" >&2
java -jar "$jar" "${args[@]}" "${extra[@]}" "$INCLUDE" | tee "$out/jmh.log" >&2

retry_note=""
if [[ "$MEM_MIB" != 0 ]]; then
  # A separate JVM, because the heap limit is the thing under test.
  echo ">> memory check: $MEM_MIB MiB layer through a pipe, -Xmx$MEM_XMX" >&2
  if ! java "-Xmx$MEM_XMX" -cp "$jar" dev.soci.benchmarks.MemoryCheck "$MEM_MIB" >"$mem" 2>"$out/memcheck.err"; then
    echo ">> memory check failed at -Xmx$MEM_XMX (see $out/memcheck.err); retrying at -Xmx$MEM_XMX_RETRY" >&2
    retry="$out/memcheck-retry.txt"
    java "-Xmx$MEM_XMX_RETRY" -cp "$jar" dev.soci.benchmarks.MemoryCheck "$MEM_MIB" >"$retry" 2>>"$out/memcheck.err" || true
    retry_note="memory check at -Xmx$MEM_XMX_RETRY: $(grep -E '^(status|peak_heap_sampled_bytes)=' "$retry" | tr '\n' ' ')"
  fi
fi

echo
java -cp "$jar" dev.soci.benchmarks.Report "$json" "$mem" | tee "$out/table.md"
if [[ -n "$retry_note" ]]; then
  echo "$retry_note" | tee -a "$out/table.md"
fi
echo "results: $out" >&2
