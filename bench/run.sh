#!/usr/bin/env bash
# Container start-up: `run` of /bin/true on the same bundle by hull-runtime, runc and crun;
# then the same with Hull's default seccomp profile (for runc's default capabilities) in
# linux.seccomp, which each runtime compiles with libseccomp (Hull from its cache after the first).
#
# The three runtimes are timed interleaved (hull, runc, crun, hull, runc, crun, ...) so that
# machine noise hits them alike, and the script prints medians and ratios. hyperfine then runs the
# same three commands for its usual summary. crun 1.8 refuses this hybrid cgroup host, so
# everything runs inside a private mount namespace where an empty file is bind-mounted over
# /sys/fs/cgroup/unified/cgroup.controllers; the host is untouched.
#
#   bench/run.sh [RUNS]        (default 40; needs root, a built tree: make build)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-40}

if [ "${HULL_BENCH_INNER:-}" != 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "bench/run.sh: needs root" >&2; exit 1; }
    [ -r "$top/build/env" ] || { echo "bench/run.sh: run 'make build' first" >&2; exit 1; }
    work=$(mktemp -d /tmp/hull-bench.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/bundle/rootfs/bin" "$work/bundle/rootfs/"{proc,sys,dev,tmp,etc}
    cp /bin/busybox "$work/bundle/rootfs/bin/busybox"
    for a in true sh; do ln -s busybox "$work/bundle/rootfs/bin/$a"; done
    (cd "$work/bundle" && runc spec)
    # runc's default config, with /bin/true and no terminal: the same file for all three
    sed -i 's/"terminal": true/"terminal": false/; s/^\(\s*\)"sh"$/\1"\/bin\/true"/' "$work/bundle/config.json"
    mkdir -p "$work/seccomp"
    . "$top/build/env"
    "$HULL_JAVA" -cp "$HULL_CP" "$top/bench/WithDefaultSeccomp.java" "$work/bundle/config.json" \
        | sed "s|\"path\": \"rootfs\"|\"path\": \"$work/bundle/rootfs\"|" > "$work/seccomp/config.json"
    : > "$work/empty"
    HULL_BENCH_INNER=1 HULL_BENCH_WORK=$work exec unshare -m --propagation private "$0" "$runs"
fi

work=$HULL_BENCH_WORK
mount --bind "$work/empty" /sys/fs/cgroup/unified/cgroup.controllers
b=$work/bundle
have_crun=1; command -v crun >/dev/null || have_crun=0

echo "# container start-up: run of /bin/true ($(date -u +%Y-%m-%d), $(uname -r), $(nproc) cpus,"
echo "#   $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
echo "# hull-runtime $("$top/bin/hull-runtime" --version | head -1 | awk '{print $3}'),"\
     "runc $(runc --version | awk 'NR==1{print $3}'), crun $(crun --version 2>/dev/null | awk 'NR==1{print $3}')," \
     "$("$top/build/jdk/bin/java" -version 2>&1 | head -1)"

bench_bundle() { # TITLE BUNDLE
local b=$2
hull=("$top/bin/hull-runtime" --root "$work/hull" run --bundle "$b" bench-hull)
runc=(runc --root "$work/runc" run --bundle "$b" bench-runc)
crun=(crun --root "$work/crun" run --bundle "$b" bench-crun)
echo
echo "## $1"
# warm the page cache and the runtimes' own caches
for _ in 1 2 3; do
    "${hull[@]}" >/dev/null 2>&1; "${runc[@]}" >/dev/null 2>&1
    [ $have_crun = 1 ] && "${crun[@]}" >/dev/null 2>&1
done

time_one() { # prints microseconds
    local s=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || { echo "bench: $1 failed" >&2; exit 1; }
    local e=$EPOCHREALTIME
    echo $(( (${e/./} - ${s/./}) ))
}
: > "$work/hull.t"; : > "$work/runc.t"; : > "$work/crun.t"
for ((i = 0; i < runs; i++)); do
    time_one "${hull[@]}" >> "$work/hull.t"
    time_one "${runc[@]}" >> "$work/runc.t"
    [ $have_crun = 1 ] && time_one "${crun[@]}" >> "$work/crun.t"
done

median() { sort -n "$1" | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }
h=$(median "$work/hull.t"); r=$(median "$work/runc.t")
echo
echo "interleaved, $runs runs each, median wall time:"
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '  %-14s %7s ms\n' hull-runtime "$(ms "$h")" runc "$(ms "$r")"
if [ $have_crun = 1 ]; then
    c=$(median "$work/crun.t")
    printf '  %-14s %7s ms\n' crun "$(ms "$c")"
fi
echo "  hull-runtime / runc = $(ratio "$h" "$r")"
[ $have_crun = 1 ] && echo "  hull-runtime / crun = $(ratio "$h" "$c")"

if command -v hyperfine >/dev/null; then
    echo
    cmds=("${hull[*]}" "${runc[*]}")
    [ $have_crun = 1 ] && cmds+=("${crun[*]}")
    hyperfine -N --style basic --warmup 3 --runs "$runs" "${cmds[@]}" 2>&1 | sed "s|$work|\$WORK|g; s|$top/||g"
fi
}

bench_bundle "run of /bin/true" "$work/bundle"
bench_bundle "run of /bin/true with the default seccomp profile" "$work/seccomp"
