#!/usr/bin/env bash
# The engine against Podman: `hull run --rm --network none IMAGE true` and `podman run --rm
# --network none IMAGE true` of the same image (the busybox root filesystem, imported into each),
# interleaved (hull, podman, hull, ...) so that machine noise hits both alike; medians and the
# ratio. Then the memory of the per-container monitor of a detached container: Hull's (the
# executor's parent) against Podman's conmon, VmRSS from /proc.
#
# Podman keeps everything under the bench's temp dir (--root/--runroot, cgroupfs, no events,
# no network); it needs `--ulimit nofile=1024:1024 --ulimit nproc=1024:1024` on this machine.
#
#   bench/engine.sh [RUNS]      (default 30; needs root, a built tree (make build), podman)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
[ "$(id -u)" = 0 ] || { echo "bench/engine.sh: needs root" >&2; exit 1; }
[ -r "$top/build/busybox-rootfs.tar" ] || { echo "bench/engine.sh: run 'make build' first" >&2; exit 1; }
command -v podman >/dev/null || { echo "bench/engine.sh: podman is not installed" >&2; exit 1; }

work=$(mktemp -d /tmp/hull-bench-engine.XXXXXX)
hull=("$top/bin/hull" --root "$work/hull" --runroot "$work/hull-run")
# runc: crun (which Podman prefers when installed) refuses this hybrid cgroup host
podman=(podman --root "$work/podman" --runroot "$work/podman-run" --cgroup-manager cgroupfs
        --events-backend none --storage-driver overlay --runtime runc)
cleanup() {
    "${hull[@]}" rm -f bench-d >/dev/null 2>&1 || true
    "${podman[@]}" rm -f bench-d >/dev/null 2>&1 || true
    "${podman[@]}" system reset -f >/dev/null 2>&1 || true
    if grep -q "$work" /proc/mounts; then
        grep "$work" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l
    fi
    grep -q "$work" /proc/mounts || rm -rf "$work"
}
trap cleanup EXIT

"${hull[@]}" import "$top/build/busybox-rootfs.tar" bench >/dev/null
"${podman[@]}" import "$top/build/busybox-rootfs.tar" localhost/bench >/dev/null 2>&1
ulimits=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
h_run=("${hull[@]}" run --rm --network none bench true)
p_run=("${podman[@]}" run --rm --network none "${ulimits[@]}" localhost/bench true)

echo "# engine start-up: run --rm --network none IMAGE true ($(date -u +%Y-%m-%d), $(uname -r), $(nproc) cpus,"
echo "#   $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
echo "# $("${hull[@]}" version), podman $(podman --version | awk '{print $3}') with runc $(runc --version | awk 'NR==1{print $3}')"
if command -v cc >/dev/null && cc -O2 -o "$work/pagefault" "$top/bench/pagefault.c" 2>/dev/null; then
    echo "# $("$work/pagefault") (bench/pagefault.c: what the JVM's start pays per page it touches)"
fi
for _ in 1 2 3; do "${h_run[@]}" >/dev/null; "${p_run[@]}" >/dev/null; done

time_one() { # prints microseconds
    local s=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || { echo "bench: $1 failed" >&2; exit 1; }
    local e=$EPOCHREALTIME
    echo $(( (${e/./} - ${s/./}) ))
}
: > "$work/hull.t"; : > "$work/podman.t"
for ((i = 0; i < runs; i++)); do
    time_one "${h_run[@]}" >> "$work/hull.t"
    time_one "${p_run[@]}" >> "$work/podman.t"
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }
h=$(median "$work/hull.t"); p=$(median "$work/podman.t")
echo
echo "interleaved, $runs runs each, median wall time:"
awk -v h="$h" -v p="$p" 'BEGIN { printf "  hull     %7.1f ms\n  podman   %7.1f ms\n  hull / podman = %.2f\n", h/1000, p/1000, h/p }'

echo
echo "## monitor memory of a detached container (sleep 60)"
"${hull[@]}" run -d --name bench-d --network none bench sleep 60 >/dev/null
"${podman[@]}" run -d --name bench-d --network none "${ulimits[@]}" localhost/bench sleep 60 >/dev/null
sleep 0.5
hpid=$("${hull[@]}" inspect --format '{{.State.Pid}}' bench-d)
hmon=$(awk '{print $4}' "/proc/$hpid/stat")
ppid=$("${podman[@]}" inspect --format '{{.State.Pid}}' bench-d)
pmon=$(awk '{print $4}' "/proc/$ppid/stat")
rss() { awk '/VmRSS/ {print $2, $3}' "/proc/$1/status"; }
echo "  hull monitor ($(cat /proc/$hmon/comm), pid $hmon): VmRSS $(rss "$hmon")"
echo "  podman conmon ($(cat /proc/$pmon/comm), pid $pmon): VmRSS $(rss "$pmon")"
