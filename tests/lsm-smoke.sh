#!/usr/bin/env bash
# AppArmor smoke test: this host's kernel has no AppArmor, the guest of ../shared/tools/v2vm
# (Debian's kernel, lsm=...,apparmor by default) has it. One guest boot, a few containers:
#   - process.apparmorProfile "hull-default", not loaded yet: hull-runtime loads it with
#     apparmor_parser -Kr (the host's, seen by the guest) and the container runs confined by it
#     (/proc/self/attr/current), and a mount(2) its capabilities allow is denied by the profile
#   - "unconfined" runs unconfined, and the same mount works
#   - a profile the kernel does not have fails start with a message naming the field
#   - features says apparmor enabled
#   tests/lsm-smoke.sh          (on the host: boots the guest and runs itself there)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
v2vm=${V2VM:-$top/../shared/tools/v2vm}

if [ "${V2VM_GUEST:-}" != 1 ]; then
    if [ ! -x "$v2vm" ]; then
        echo "lsm-smoke: SKIPPED: no $v2vm on this machine"
        exit 0
    fi
    [ -r "$top/build/env" ] || { echo "lsm-smoke: run make build first" >&2; exit 1; }
    command -v apparmor_parser >/dev/null || { echo "lsm-smoke: needs apparmor_parser (apt-get install apparmor)" >&2; exit 1; }
    start=$SECONDS
    "$v2vm" --timeout 300 --mem 2G -- "$top/tests/lsm-smoke.sh"
    echo "lsm-smoke: passed in $((SECONDS - start)) s"
    exit 0
fi

fail() { echo "lsm-smoke: FAILED: $*" >&2; exit 1; }
t0=$SECONDS
section() { echo "--- [$((SECONDS - t0)) s] $*"; }

grep -qx Y /sys/module/apparmor/parameters/enabled 2>/dev/null || fail "the guest kernel has no AppArmor"
mountpoint -q /sys/kernel/security || mount -t securityfs securityfs /sys/kernel/security
profiles=/sys/kernel/security/apparmor/profiles
[ -r $profiles ] || fail "no $profiles"
! grep -q '^hull-default ' $profiles || fail "hull-default is loaded before the test"

work=$(mktemp -d /tmp/hull-lsm.XXXXXX)
h() { "$top/bin/hull-runtime" --root "$work/state" "$@"; }
rootfs=$work/rootfs
mkdir -p "$rootfs/bin" "$rootfs/"{proc,sys,dev,tmp,etc,mnt}
cp /bin/busybox "$rootfs/bin/"
for a in sh cat mount echo grep; do ln -s busybox "$rootfs/bin/$a"; done

# bundle NAME PROFILE: a container with CAP_SYS_ADMIN (so that only AppArmor can refuse its
# mount) that shows its label and tries to mount a tmpfs on /mnt
bundle() {
    local caps='"CAP_SYS_ADMIN", "CAP_KILL"'
    mkdir -p "$work/$1"
    cat > "$work/$1/config.json" <<EOF
{
	"ociVersion": "1.2.0",
	"process": {
		"terminal": false,
		"user": {"uid": 0, "gid": 0},
		"args": ["sh", "-c", "echo label: \$(cat /proc/self/attr/current); mount -t tmpfs none /mnt && echo mount: allowed || echo mount: denied"],
		"env": ["PATH=/bin"],
		"cwd": "/",
		"capabilities": {"bounding": [$caps], "effective": [$caps], "permitted": [$caps]},
		"apparmorProfile": "$2",
		"noNewPrivileges": true
	},
	"root": {"path": "$rootfs", "readonly": true},
	"mounts": [
		{"destination": "/proc", "type": "proc", "source": "proc"},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}
	],
	"linux": {
		"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]
	}
}
EOF
}

section "hull-default: loaded on first use, then the container is confined by it"
bundle confined hull-default
out=$(cd "$work/confined" && h run c1 2>&1) || fail "run: $out"
echo "$out" | sed 's/^/  /'
grep -q '^hull-default (enforce)$' $profiles || fail "hull-default is not loaded: $(cat $profiles)"
echo "  profiles: $(grep '^hull-default' $profiles)"
[ "$(echo "$out" | grep '^label:')" = "label: hull-default (enforce)" ] || fail "label: $out"
echo "$out" | grep -qx 'mount: denied' || fail "the profile did not deny mount: $out"

section "hull-default again: already loaded, used as it is"
out=$(cd "$work/confined" && h run c2 2>&1) || fail "run: $out"
echo "$out" | grep -qx 'label: hull-default (enforce)' || fail "label: $out"

section "unconfined"
bundle free unconfined
out=$(cd "$work/free" && h run c3 2>&1) || fail "run: $out"
echo "$out" | sed 's/^/  /'
echo "$out" | grep -qx 'label: unconfined' || fail "label: $out"
echo "$out" | grep -qx 'mount: allowed' || fail "mount with CAP_SYS_ADMIN and no profile: $out"

section "a profile the kernel does not have: create fails, naming the field"
bundle missing hull-nonexistent
if out=$(cd "$work/missing" && h create c4 2>&1); then fail "created without its profile: $out"; fi
echo "  $out"
[ "$out" = 'hull-runtime: config.json: process.apparmorProfile: the kernel has no AppArmor profile "hull-nonexistent" (see /sys/kernel/security/apparmor/profiles)' ] \
    || fail "the error: $out"
[ ! -e "$work/state/c4" ] || fail "create left a state behind"

section "exec into a profile removed after create: start fails, naming the field"
echo 'profile hull-smoke-tmp flags=(attach_disconnected) { file, }' | apparmor_parser -Kr
bundle removed hull-smoke-tmp
(cd "$work/removed" && h create c5) || fail "create c5"
echo 'profile hull-smoke-tmp flags=(attach_disconnected) { file, }' | apparmor_parser -KR
if out=$(h start c5 2>&1); then fail "started without its profile: $out"; fi
echo "  $out"
echo "$out" | grep -qF 'process.apparmorProfile: write "exec hull-smoke-tmp" to /proc/thread-self/attr/apparmor/exec): ENOENT' \
    || fail "the error: $out"
h delete --force c5 >/dev/null 2>&1 || true

section "features"
h features | grep -A1 '"apparmor"' | grep -q '"enabled": true' || fail "features: $(h features)"
echo "  apparmor enabled"
rm -rf "$work"
echo "lsm-smoke: all passed"
