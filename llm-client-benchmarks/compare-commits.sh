#!/usr/bin/env bash
# Compares the client's own cost per call between two commits, in one run on one machine:
# builds the benchmarks module of each commit (in a temporary git worktree), then runs the
# in-process JMH benchmarks (InProcessCallBenchmark, RoutingOverheadBenchmark: the network cut
# out, one thread, so the time per call is the CPU per call) of the two builds in turn, twice,
# with JMH's GC profiler for the bytes allocated per call. Prints one table of medians and
# ratios (after / before).
#
#   llm-client-benchmarks/compare-commits.sh BEFORE [AFTER]     (AFTER defaults to HEAD)
#
# Takes about ten minutes on two cores; run it on a quiet machine (cat /proc/loadavg).
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?usage: $0 BEFORE-COMMIT [AFTER-COMMIT]}
after=${2:-HEAD}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true;
      git worktree remove --force "$work/after" >/dev/null 2>&1 || true' EXIT

for side in before after; do
    commit=${!side}
    git worktree add -q --detach "$work/$side" "$commit"
    echo "== building the benchmarks of $side ($(git rev-parse --short "$commit"))" >&2
    (cd "$work/$side" && ./mvnw -B -q -ntp -Pbench -pl llm-client-benchmarks -am package -DskipTests)
done

for round in 1 2; do
    for side in before after; do
        target="$work/$side/llm-client-benchmarks/target"
        echo "== round $round, $side (load $(cut -d' ' -f1 /proc/loadavg))" >&2
        java -cp "$target/llm-client-benchmarks.jar:$target/lib/*" org.openjdk.jmh.Main \
            'InProcessCallBenchmark|RoutingOverheadBenchmark' -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc \
            -jvmArgs '-Xms1g -Xmx1g' -rf json -rff "$work/$side-$round.json" >"$work/$side-$round.log" 2>&1
    done
done

python3 - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]
def load(side):
    rows = {}
    for round in (1, 2):
        for r in json.load(open(f"{work}/{side}-{round}.json")):
            name = r["benchmark"].split(".")[-2] + " " + ",".join(r.get("params", {}).values())
            entry = rows.setdefault(name, {"ns": [], "bytes": []})
            entry["ns"].append(r["primaryMetric"]["score"])
            norm = next(v for k, v in r["secondaryMetrics"].items() if k.endswith("gc.alloc.rate.norm"))
            entry["bytes"].append(norm["score"])
    return rows
b, a = load("before"), load("after")
print("| benchmark | ns per call before | after | after / before | bytes per call before | after | difference |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for name in sorted(b):
    if name not in a:
        continue
    nb, na = statistics.median(b[name]["ns"]), statistics.median(a[name]["ns"])
    bb, ba = statistics.median(b[name]["bytes"]), statistics.median(a[name]["bytes"])
    print(f"| {name} | {nb:.0f} | {na:.0f} | {na / nb:.3f} | {bb:.0f} | {ba:.0f} | {ba - bb:+.0f} |")
PY
