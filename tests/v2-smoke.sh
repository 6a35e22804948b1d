#!/usr/bin/env bash
# cgroup v2 smoke test: run inside the pure-v2 guest of ../shared/tools/v2vm (this host is
# hybrid). Checks that a container gets its own cgroup on a v2 host, sees it at /sys/fs/cgroup
# (bind, or cgroup2 mount with a cgroup namespace), and that delete removes it.
#   tests/v2-smoke.sh          (on the host: boots the guest and runs itself there)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
v2vm=${V2VM:-$top/../shared/tools/v2vm}

if [ "${V2VM_GUEST:-}" != 1 ]; then
    if [ ! -x "$v2vm" ]; then
        echo "v2-smoke: SKIPPED: no $v2vm on this machine (cgroup v2 is tested only where it exists)"
        exit 0
    fi
    [ -r "$top/build/env" ] || { echo "v2-smoke: run make build first" >&2; exit 1; }
    start=$SECONDS
    "$v2vm" --timeout 900 --mem 2G -- "$top/tests/v2-smoke.sh"
    echo "v2-smoke: passed in $((SECONDS - start)) s"
    exit 0
fi

fail() { echo "v2-smoke: FAILED: $*" >&2; exit 1; }
grep -q '^0::/$' /proc/self/cgroup || fail "not in a v2 root cgroup: $(cat /proc/self/cgroup)"
work=$(mktemp -d /tmp/hull-v2.XXXXXX)
b=$work/bundle
mkdir -p "$b/rootfs/bin" "$b/rootfs/"{proc,sys,dev,tmp,etc}
cp /bin/busybox "$b/rootfs/bin/"
for a in sh cat sleep grep ls; do ln -s busybox "$b/rootfs/bin/$a"; done
(cd "$b" && "$top/bin/hull-runtime" spec)
sed -i 's/"terminal": true/"terminal": false/; s/^\(\s*\)"sh"$/\1"sh", "-c", "cat \/proc\/self\/cgroup; grep cgroup \/proc\/self\/mountinfo; cat \/sys\/fs\/cgroup\/cgroup.procs"/' "$b/config.json"
h() { "$top/bin/hull-runtime" --root "$work/state" "$@"; }

echo "--- run: the container's cgroup, bound at /sys/fs/cgroup"
out=$(h run --bundle "$b" v2a)
echo "$out"
echo "$out" | grep -q '^0::/v2a$' || fail "container not in /v2a"
echo "$out" | grep -q ' /sys/fs/cgroup .* - cgroup2 ' || fail "no cgroup2 at /sys/fs/cgroup"
[ ! -e /sys/fs/cgroup/v2a ] || fail "cgroup /v2a left after run"

echo "--- with a cgroup namespace: / is the container's cgroup, cgroup2 mounted"
sed -i 's/"type": "mount"/"type": "mount"\n\t\t\t},\n\t\t\t{\n\t\t\t\t"type": "cgroup"/' "$b/config.json"
out=$(h run --bundle "$b" v2b)
echo "$out"
echo "$out" | grep -q '^0::/$' || fail "cgroup namespace root is not /"
echo "$out" | grep -q '^1$' || fail "cgroup.procs inside does not show pid 1"

echo "--- create/start/delete: the cgroup exists while the container does"
sed -i 's/"sh", "-c", .*"$/"sleep", "100"/' "$b/config.json"
h create --bundle "$b" v2c
pid=$(h state v2c | sed -n "s/.*\"pid\": \([0-9]*\).*/\1/p")
grep -q "^0::/v2c$" "/proc/$pid/cgroup" || fail "created container not in /v2c: $(cat /proc/$pid/cgroup)"
grep -qx "$pid" /sys/fs/cgroup/v2c/cgroup.procs || fail "pid $pid not in /sys/fs/cgroup/v2c/cgroup.procs"
h start v2c
h delete --force v2c
[ ! -e /sys/fs/cgroup/v2c ] || fail "cgroup /v2c left after delete"
[ ! -e "$work/state/v2c" ] || fail "state left after delete"
rm -rf "$work"
echo "v2-smoke: ok"
