#!/usr/bin/env bash
# Compares the client's own cost per call between two commits, in one run on one machine:
# builds the benchmarks module of each commit (in a temporary git worktree), then runs
# CallCostProbe (this tree's copy, compiled against each build) on the in-process benchmarks
# (InProcessCallBenchmark, RoutingOverheadBenchmark: the network cut out) of the two builds in
# turn, five times each. Prints one table: medians over the five runs of CPU and bytes
# allocated per call on the calling thread, and the ratio after / before.
#
#   llm-client-benchmarks/compare-commits.sh BEFORE [AFTER]     (AFTER defaults to HEAD)
#
# Takes about ten minutes on two cores; run it on a quiet machine (cat /proc/loadavg).
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?usage: $0 BEFORE-COMMIT [AFTER-COMMIT]}
after=${2:-HEAD}
work=$(mktemp -d)
probe=llm-client-benchmarks/src/main/java/dev/llmclient/benchmarks/CallCostProbe.java
trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true;
      git worktree remove --force "$work/after" >/dev/null 2>&1 || true' EXIT

for side in before after; do
    commit=${!side}
    git worktree add -q --detach "$work/$side" "$commit"
    echo "== building the benchmarks of $side ($(git rev-parse --short "$commit"))" >&2
    (cd "$work/$side" && ./mvnw -B -q -ntp -Pbench -pl llm-client-benchmarks -am package -DskipTests)
    target="$work/$side/llm-client-benchmarks/target"
    mkdir -p "$work/$side-probe"
    javac -nowarn -d "$work/$side-probe" -cp "$target/llm-client-benchmarks.jar:$target/lib/*" "$probe"
done

for run in 1 2 3 4 5; do
    for side in before after; do
        target="$work/$side/llm-client-benchmarks/target"
        echo "== run $run, $side (load $(cut -d' ' -f1 /proc/loadavg))" >&2
        java -Xms1g -Xmx1g -cp "$work/$side-probe:$target/llm-client-benchmarks.jar:$target/lib/*" \
            dev.llmclient.benchmarks.CallCostProbe 2>/dev/null | sed "s/^/$side /" >>"$work/results.txt"
    done
done

python3 - "$work/results.txt" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    side, name, cpu, allocated = line.split()
    rows[(side, name)].append((float(cpu), float(allocated)))
print("| setting | CPU per call before (ns) | after | after / before | bytes per call before | after | difference |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for name in ("llm-client", "llm-client-no-metrics", "one", "least-busy"):
    cb = statistics.median(r[0] for r in rows[("before", name)])
    ca = statistics.median(r[0] for r in rows[("after", name)])
    bb = statistics.median(r[1] for r in rows[("before", name)])
    ba = statistics.median(r[1] for r in rows[("after", name)])
    print(f"| {name} | {cb:.0f} | {ca:.0f} | {ca / cb:.3f} | {bb:.0f} | {ba:.0f} | {ba - bb:+.0f} |")
PY
