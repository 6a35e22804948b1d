#!/usr/bin/env bash
# cgroup v2 smoke test: run inside the pure-v2 guest of ../shared/tools/v2vm (this host is
# hybrid, so the v2 code paths can only run there). One guest boot; each section below is a few
# hull-runtime commands (each a JVM start, ~3-10 s under emulation), checked against the files of
# the container's cgroup in the guest's /sys/fs/cgroup:
#   basics     a container gets its own cgroup, sees it at /sys/fs/cgroup, delete removes it
#   resources  linux.resources land in the v2 files with runc's conversions; the v2 errors
#   limits     an OOM kill, a fork bomb stopped by pids.max, a 1 MiB container that still runs
#   devices    the eBPF device filter: defaults work, a block device is refused unless allowed
#   live       update (device filter, memory, pids, cpu), pause/resume, events --stats, delete
#   engine     hull (the Docker-style engine): an image imported, -m/--cpus/--pids-limit in the v2
#              files, the container's own cgroup namespace, an OOM kill seen by inspect, rm -f
# What the guest lacks (a block device module, bfq, huge pages, bpftool) is skipped with a reason.
#   tests/v2-smoke.sh          (on the host: boots the guest and runs itself there)
#   V2_SECTIONS=engine tests/v2-smoke.sh   (some sections only)
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

# ---------------------------------------------------------------- helpers (in the guest)

fail() { echo "v2-smoke: FAILED: $*" >&2; exit 1; }
skip() { echo "v2-smoke: SKIPPED: $*"; }
t0=$SECONDS
section() { echo "--- [$((SECONDS - t0)) s] $*"; }
grep -q '^0::/$' /proc/self/cgroup || fail "not in a v2 root cgroup: $(cat /proc/self/cgroup)"
cg=/sys/fs/cgroup
work=$(mktemp -d /tmp/hull-v2.XXXXXX)
h() { "$top/bin/hull-runtime" --root "$work/state" "$@"; }

# file_is ID FILE WANT: the container's cgroup file reads exactly WANT
file_is() {
    local got
    got=$(cat "$cg/$1/$2") || fail "$1: no $2"
    [ "$got" = "$3" ] || fail "$1: $2 is \"$got\", expected \"$3\""
    echo "  $2: $got"
}
# has_line ID FILE LINE: the file has this line
has_line() {
    grep -qxF "$3" "$cg/$1/$2" || fail "$1: $2 has no line \"$3\": $(tr '\n' '|' < "$cg/$1/$2")"
    echo "  $2: $3"
}
# gone ID: neither the cgroup nor the state of the container is left
gone() {
    [ ! -e "$cg/$1" ] || fail "cgroup $cg/$1 left behind"
    [ ! -e "$work/state/$1" ] || fail "state $work/state/$1 left behind"
}
# status ID WANT: hull-runtime state says so
status_is() {
    local s
    s=$(h state "$1" | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p')
    [ "$s" = "$2" ] || fail "$1: status \"$s\", expected \"$2\""
    echo "  state: $s"
}
# in_cg ID CMD...: run CMD on the host side, but as a member of the container's cgroup (the
# device filter applies to every process in it): how a running container's filter is probed
in_cg() {
    local id=$1
    shift
    (echo "$BASHPID" > "$cg/$id/cgroup.procs" && exec "$@")
}

# The rootfs: the guest's static busybox, shared by every bundle.
rootfs=$work/rootfs
mkdir -p "$rootfs/bin" "$rootfs/"{proc,sys,dev,tmp,etc}
cp /bin/busybox "$rootfs/bin/"
for a in sh cat sleep grep ls tail true head mknod echo; do ln -s busybox "$rootfs/bin/$a"; done

json_str() {
    local s=${1//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    printf '"%s"' "${s//$'\t'/\\t}"
}
# bundle NAME RESOURCES-JSON CAPS -- ARGS...: $work/NAME/config.json, runc's default config
# (hull-runtime spec: devices deny-all, read-only root) with these resources, extra capabilities
# (comma-separated JSON strings, or "") and process args.
bundle() {
    local name=$1 res=$2 caps='"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"'
    [ -z "$3" ] || caps="$caps, $3"
    shift 4
    local args="" a
    for a in "$@"; do args="${args:+$args, }$(json_str "$a")"; done
    mkdir -p "$work/$name"
    cat > "$work/$name/config.json" <<EOF
{
	"ociVersion": "1.2.0",
	"process": {
		"terminal": false,
		"user": {"uid": 0, "gid": 0},
		"args": [$args],
		"env": ["PATH=/bin"],
		"cwd": "/",
		"capabilities": {"bounding": [$caps], "effective": [$caps], "permitted": [$caps]},
		"noNewPrivileges": true
	},
	"root": {"path": "$rootfs", "readonly": true},
	"hostname": "hull",
	"mounts": [
		{"destination": "/proc", "type": "proc", "source": "proc"},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
		{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
		{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
	],
	"linux": {
		"resources": $res,
		"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]
	}
}
EOF
}
DENY_ALL='"devices": [{"allow": false, "access": "rwm"}]'

# What this guest has: a throw-away cgroup shows which files the kernel offers.
mkdir "$cg/hull-probe"
probe=$(ls "$cg/hull-probe")
rmdir "$cg/hull-probe"
has_file() { grep -qxF "$1" <<< "$probe"; }
# A block device for io.max, io.bfq.weight and the device filter: the guest has no disk (its root
# is 9p), so make one, a null_blk device.
blk="" blkdev=""
if modprobe null_blk nr_devices=1 2>/dev/null && [ -r /sys/block/nullb0/dev ]; then
    blk=$(cat /sys/block/nullb0/dev) blkdev=/dev/nullb0
    echo "block device: $blkdev ($blk), scheduler $(cat /sys/block/nullb0/queue/scheduler)"
else
    skip "io.max, io.bfq.weight and the block-device filter checks: no null_blk module in this guest"
fi

# ---------------------------------------------------------------- basics

basics() {
    section "basics: run: the container's cgroup, bound at /sys/fs/cgroup"
    bundle basics "{$DENY_ALL}" "" -- sh -c \
        'cat /proc/self/cgroup; grep cgroup /proc/self/mountinfo; cat /sys/fs/cgroup/cgroup.procs'
    local out
    out=$(h run --bundle "$work/basics" v2a)
    echo "$out"
    echo "$out" | grep -q '^0::/v2a$' || fail "container not in /v2a"
    echo "$out" | grep -q ' /sys/fs/cgroup .* - cgroup2 ' || fail "no cgroup2 at /sys/fs/cgroup"
    gone v2a

    section "basics: with a cgroup namespace: / is the container's cgroup, cgroup2 mounted"
    sed -i 's/{"type": "mount"}/{"type": "mount"}, {"type": "cgroup"}/' "$work/basics/config.json"
    out=$(h run --bundle "$work/basics" v2b)
    echo "$out"
    echo "$out" | grep -q '^0::/$' || fail "cgroup namespace root is not /"
    echo "$out" | grep -q '^1$' || fail "cgroup.procs inside does not show pid 1"
    gone v2b

    section "basics: create/start/delete: the cgroup exists while the container does"
    bundle sleeper "{$DENY_ALL}" "" -- sleep 100
    h create --bundle "$work/sleeper" v2c
    local pid
    pid=$(h state v2c | sed -n "s/.*\"pid\": \([0-9]*\).*/\1/p")
    grep -q "^0::/v2c$" "/proc/$pid/cgroup" || fail "created container not in /v2c: $(cat /proc/$pid/cgroup)"
    grep -qx "$pid" $cg/v2c/cgroup.procs || fail "pid $pid not in $cg/v2c/cgroup.procs"
    h start v2c
    h delete --force v2c
    gone v2c
}

# ---------------------------------------------------------------- resources

resources() {
    section "resources: every linux.resources member in its v2 file (runc's conversions)"
    local io="" huge=""
    if [ -n "$blk" ]; then
        io=', "throttleReadBpsDevice": [{"major": '${blk%:*}', "minor": '${blk#*:}', "rate": 1048576}],
             "throttleWriteIOPSDevice": [{"major": '${blk%:*}', "minor": '${blk#*:}', "rate": 100}]'
    fi
    if has_file hugetlb.2MB.max; then
        huge='"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],'
    else
        skip "hugepageLimits: no hugetlb.2MB.max in this guest"
    fi
    local burst='"burst": 20000,'
    has_file cpu.max.burst || { burst=""; skip "cpu.burst: this kernel has no cpu.max.burst"; }
    # cpu.idle is left to the live section; the cpuset is the guest's last cpu
    local cpus last
    cpus=$(cat $cg/cpuset.cpus.effective)
    last=${cpus##*[-,]}
    bundle res "{$DENY_ALL,
        \"memory\": {\"limit\": 67108864, \"reservation\": 33554432, \"swap\": 100663296},
        \"cpu\": {\"shares\": 512, \"quota\": 50000, \"period\": 100000, $burst \"cpus\": \"$last\", \"mems\": \"0\"},
        \"pids\": {\"limit\": 100},
        \"blockIO\": {\"weight\": 500 $io},
        $huge
        \"unified\": {\"memory.high\": \"50331648\", \"pids.max\": \"42\"}}" "" -- sleep 100
    h create --bundle "$work/res" res
    file_is res memory.max 67108864
    file_is res memory.low 33554432
    # the spec's swap is memory+swap: 96 MiB - 64 MiB
    file_is res memory.swap.max 33554432
    # runc: 1 + ((512 - 2) * 9999) / 262142
    file_is res cpu.weight 20
    file_is res cpu.max "50000 100000"
    [ -z "$burst" ] || file_is res cpu.max.burst 20000
    file_is res cpuset.cpus "$last"
    file_is res cpuset.mems 0
    # unified is written last, so its pids.max wins over pids.limit (as in runc)
    file_is res pids.max 42
    file_is res memory.high 50331648
    if has_file io.bfq.weight; then
        file_is res io.bfq.weight "default 500"
    else
        # runc: 1 + (500 - 10) * 9999 / 990
        file_is res io.weight "default 4950"
    fi
    [ -z "$blk" ] || file_is res io.max "$blk rbps=1048576 wbps=max riops=max wiops=100"
    [ -z "$huge" ] || file_is res hugetlb.2MB.max 4194304
    if [ -n "$burst" ]; then
        # the kernel wants burst <= quota at every moment: lowering both, the burst goes first
        h update --cpu-quota 10000 --cpu-burst 5000 res
        file_is res cpu.max "10000 100000"
        file_is res cpu.max.burst 5000
        # and raising both, the quota
        h update --cpu-quota 80000 --cpu-burst 60000 res
        file_is res cpu.max "80000 100000"
        file_is res cpu.max.burst 60000
    fi
    h delete --force res   # a created container: the spec wants --force for it
    gone res

    section "resources: what cgroup v2 cannot do is refused, and nothing is left behind"
    refused res-swap 'memory.swap: 33554432 (memory+swap) is below memory.limit 67108864' \
        '"memory": {"limit": 67108864, "swap": 33554432}'
    refused res-rt 'linux.resources.cpu.realtimeRuntime: cgroup v2 has no realtime group scheduling' \
        '"cpu": {"realtimeRuntime": 1000, "realtimePeriod": 1000000}'
    refused res-net 'linux.resources.network: net_cls and net_prio do not exist on cgroup v2' \
        '"network": {"classID": 1048577}'
    if [ -n "$blk" ] && ! has_file io.bfq.weight; then
        # io.weight takes a per-device weight only from the iocost controller, off by default
        refused res-wdev 'linux.resources.blockIO.weightDevice[0]: write' \
            '"blockIO": {"weightDevice": [{"major": '${blk%:*}', "minor": '${blk#*:}', "weight": 500}]}'
    fi
}

# refused ID MESSAGE RESOURCES: create fails with MESSAGE and leaves nothing
refused() {
    bundle "$1" "{$DENY_ALL, $3}" "" -- true
    local out
    if out=$(h create --bundle "$work/$1" "$1" 2>&1); then
        fail "$1: create succeeded, expected \"$2\""
    fi
    echo "  $1: $out"
    grep -qF "$2" <<< "$out" || fail "$1: expected the message \"$2\""
    gone "$1"
}

# ---------------------------------------------------------------- limits

limits() {
    section "limits: a memory hog in a 32 MiB container is OOM-killed"
    # The first hog is a child, so that the container can show its own memory.events after the
    # kill; the second is pid 1, whose SIGKILL run reports as 137.
    bundle oom '{"memory": {"limit": 33554432, "swap": 33554432}}' "" -- sh -c \
        'tail /dev/zero; echo "hog: $?"; cat /sys/fs/cgroup/memory.events; exec tail /dev/zero'
    local out rc=0
    out=$(h run --bundle "$work/oom" oom 2>&1) || rc=$?
    echo "$out" | sed 's/^/  /'
    [ "$rc" = 137 ] || fail "oom: run exited $rc, expected 137 (SIGKILL)"
    echo "  run exited $rc"
    echo "$out" | grep -qx 'hog: 137' || fail "oom: the first hog was not SIGKILLed"
    local kills
    kills=$(echo "$out" | sed -n 's/^oom_kill //p')
    [ "${kills:-0}" -ge 1 ] || fail "oom: memory.events oom_kill is \"$kills\""
    gone oom

    section "limits: pids.max stops a fork bomb (in a nested cgroupsPath)"
    # a bounded bomb: 60 background sleeps against a limit of 10; what forks is counted with
    # builtins afterwards (a fork for cat would be refused too)
    # (in a shell of its own: ash gives up at the first fork that fails)
    bundle pids '{"pids": {"limit": 10}}' "" -- sh -c \
        'sh -c "i=0; while [ \$i -lt 60 ]; do sleep 60 & i=\$((i+1)); done" 2>/dev/null;
         read n < /sys/fs/cgroup/pids.current; echo "current $n";
         while read k v; do echo "events $k $v"; done < /sys/fs/cgroup/pids.events'
    # the levels above must enable the controllers for their children (cgroup.subtree_control)
    sed -i 's|"linux": {|"linux": {\n\t\t"cgroupsPath": "/hull-v2/nested/pids",|' "$work/pids/config.json"
    out=$(h run --bundle "$work/pids" pids) || true
    echo "$out" | sed 's/^/  /'
    local cur max
    cur=$(echo "$out" | sed -n 's/^current //p')
    max=$(echo "$out" | sed -n 's/^events max //p')
    [ -n "$cur" ] && [ "$cur" -le 10 ] || fail "pids: pids.current is \"$cur\" with pids.max 10"
    [ "${max:-0}" -ge 1 ] || fail "pids: no fork was refused (pids.events max \"$max\")"
    gone pids
    [ ! -e $cg/hull-v2 ] || fail "pids: the parents of its cgroupsPath are left: $(find $cg/hull-v2 -type d)"

    section "limits: a 1 MiB container runs /bin/true"
    bundle tiny '{"memory": {"limit": 1048576, "swap": 1048576}}' "" -- /bin/true
    h run --bundle "$work/tiny" tiny || fail "tiny: run of /bin/true with memory.max 1 MiB exited $?"
    gone tiny
}

# ---------------------------------------------------------------- devices

devices() {
    section "devices: runc's deny-all plus the default allow-list; a block device is refused"
    local check='for d in null zero full random urandom tty; do
            if head -c 1 /dev/$d > /dev/null 2>&1 < /dev/null; then echo "$d ok"; fi; done
        echo x > /dev/null && echo "null write ok"'
    if [ -z "$blk" ]; then
        bundle dev "{$DENY_ALL}" "" -- sh -c "$check"
    else
        check="$check"'
        mknod /dev/blk b '"${blk%:*} ${blk#*:}"' && echo "mknod ok"
        head -c 1 /dev/blk > /dev/null && echo "open ok"'
        bundle dev "{$DENY_ALL}" '"CAP_MKNOD"' -- sh -c "$check"
    fi
    local out
    out=$(h run --bundle "$work/dev" dev 2>&1) || true
    echo "$out" | sed 's/^/  /'
    # /dev/tty: the container has no controlling terminal (ENXIO), which is not the filter
    for l in "null ok" "zero ok" "full ok" "random ok" "urandom ok" "null write ok"; do
        echo "$out" | grep -qx "$l" || fail "dev: no \"$l\": a default device is refused"
    done
    gone dev
    [ -n "$blk" ] || return 0
    echo "$out" | grep -qx "mknod ok" || fail "dev: mknod of b $blk was refused (default rule b *:* m)"
    echo "$out" | grep -q "/dev/blk: Operation not permitted" || fail "dev: opening b $blk was not EPERM"
    if echo "$out" | grep -qx "open ok"; then fail "dev: b $blk opened under deny-all"; fi

    section "devices: an allow rule for the block device lets it open"
    bundle dev-allow "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, $(allow_blk)]}" '"CAP_MKNOD"' \
        -- sh -c "$check"
    out=$(h run --bundle "$work/dev-allow" dev-allow 2>&1) || true
    echo "$out" | sed 's/^/  /'
    echo "$out" | grep -qx "open ok" || fail "dev-allow: b $blk did not open with an allow rule"
    echo "$out" | grep -qx "null ok" || fail "dev-allow: /dev/null refused"
    gone dev-allow
}
allow_blk() { echo '{"allow": true, "type": "b", "major": '"${blk%:*}"', "minor": '"${blk#*:}"', "access": "rw"}'; }

# ---------------------------------------------------------------- live

# can_open ID: the block device opens for a process in the container's cgroup
can_open() { in_cg "$1" head -c 1 "$blkdev" > /dev/null 2>"$work/err"; }
expect_open() {
    can_open live || fail "live: $blkdev refused after $1: $(cat "$work/err")"
    echo "  $blkdev opens ($1)"
}
expect_eperm() {
    if can_open live; then fail "live: $blkdev opens after $1"; fi
    grep -q "Operation not permitted" "$work/err" || fail "live: $blkdev: $(cat "$work/err"), expected EPERM"
    in_cg live head -c 1 /dev/zero > /dev/null || fail "live: /dev/zero refused after $1"
    echo "  $blkdev: EPERM, /dev/zero opens ($1)"
}

# one_filter ID WHEN: exactly one device program is attached to the container's cgroup (with
# bpftool, or BPF_PROG_QUERY from python3: the guest has the host's programs)
one_filter() {
    local n
    if command -v bpftool > /dev/null; then
        n=$(bpftool cgroup list "$cg/$1" | grep -c ' cgroup_device ' || true)
    elif command -v python3 > /dev/null; then
        n=$(python3 - "$cg/$1" <<'EOF'
import ctypes, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
attr = ctypes.create_string_buffer(128)  # union bpf_attr, .query
struct.pack_into("II", attr, 0, fd, 6)   # target_fd, attach_type BPF_CGROUP_DEVICE
libc = ctypes.CDLL(None, use_errno=True)
if libc.syscall(321, 16, attr, 128) < 0:  # SYS_bpf, BPF_PROG_QUERY
    sys.exit("BPF_PROG_QUERY: " + os.strerror(ctypes.get_errno()))
print(struct.unpack_from("I", attr, 24)[0])  # prog_cnt
EOF
)
    else
        skip "counting the device programs: neither bpftool nor python3 in the guest"
        return 0
    fi
    [ "$n" = 1 ] || fail "$1: $n device programs attached after $2, expected 1"
    echo "  one device program attached ($2)"
}

live() {
    section "live: a running container with bfq weights, cpu shares, no swap limit"
    local io="" bfq=""
    if [ -n "$blk" ] && modprobe bfq 2>/dev/null && echo bfq > /sys/block/nullb0/queue/scheduler 2>/dev/null; then
        bfq=1
        io=', "blockIO": {"weight": 300, "weightDevice": [{"major": '${blk%:*}', "minor": '${blk#*:}', "weight": 50}]}'
    else
        skip "blockIO.weightDevice: no bfq scheduler for a block device in this guest"
    fi
    bundle live "{$DENY_ALL, \"cpu\": {\"shares\": 1024}, \"memory\": {\"limit\": 67108864, \"swap\": -1}, \"pids\": {\"limit\": 50} $io}" \
        "" -- sleep 1000
    h create --bundle "$work/live" live
    h start live
    file_is live memory.swap.max max
    # runc: 1 + ((1024 - 2) * 9999) / 262142
    file_is live cpu.weight 39
    if [ -n "$bfq" ]; then
        has_line live io.bfq.weight "default 300"
        has_line live io.bfq.weight "$blk 50"
    fi

    if [ -n "$blk" ]; then
        section "live: update with device rules replaces the eBPF filter"
        one_filter live "create"
        expect_eperm "create (deny-all)"
        echo "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, $(allow_blk)]}" > "$work/allow.json"
        echo "{$DENY_ALL}" > "$work/deny.json"
        # with several programs attached every one must allow: the open succeeding shows the
        # deny-all one is gone, the EPERM after the next update that the new one is in place
        h update --resources "$work/allow.json" live
        expect_open "update allowing it"
        h update --resources "$work/deny.json" live
        expect_eperm "update denying it"
        one_filter live "two updates"
    fi

    section "live: update of cpu.idle, then of memory, swap, pids and cpu on the running container"
    if has_file cpu.idle; then
        # an idle group reads as weight 0, and refuses writes to cpu.weight (EINVAL)
        h update --cpu-idle 1 live
        file_is live cpu.idle 1
    else
        skip "cpu.idle: this kernel has no cpu.idle"
    fi
    h update --memory 128M --memory-swap 192M --pids-limit 30 --cpu-quota 20000 --cpu-period 100000 live
    file_is live memory.max 134217728
    file_is live memory.swap.max 67108864
    file_is live pids.max 30
    file_is live cpu.max "20000 100000"
    [ -z "$bfq" ] || has_line live io.bfq.weight "$blk 50"
    # an update without devices leaves the filter alone
    [ -z "$blk" ] || expect_eperm "an update without devices"
    if has_file cpu.idle; then
        file_is live cpu.idle 1
        # leaving idle resets the weight: the configured one must be written after it
        h update --cpu-idle 0 --cpu-share 512 live
        file_is live cpu.idle 0
        file_is live cpu.weight 20
    fi

    section "live: pause and resume (cgroup.freeze)"
    h pause live
    file_is live cgroup.freeze 1
    has_line live cgroup.events "frozen 1"
    status_is live paused
    h resume live
    file_is live cgroup.freeze 0
    has_line live cgroup.events "frozen 0"
    status_is live running

    section "live: events --stats"
    local out
    out=$(h events --stats live)
    echo "  $out" | cut -c1-300
    grep -q '"usage":{[^}]*"limit":134217728' <<< "$out" || fail "live: events --stats has no memory limit 134217728"
    grep -q '"pids":{"current":1,"limit":30}' <<< "$out" || fail "live: events --stats has no pids current 1, limit 30"

    section "live: delete --force of a paused container"
    h pause live
    h delete --force live
    gone live
}

engine() {
    section "engine: hull run -d -m 64m --cpus 0.5 --pids-limit 30"
    local e=("$top/bin/hull" --root "$work/engine" --runroot "$work/engine-run")
    "${e[@]}" import "$top/build/busybox-rootfs.tar" busybox >/dev/null
    local id
    id=$("${e[@]}" run -d --name v2 -m 64m --cpus 0.5 --pids-limit 30 busybox sleep 300)
    file_is "hull/$id" memory.max 67108864
    file_is "hull/$id" memory.swap.max 67108864
    file_is "hull/$id" cpu.max "50000 100000"
    file_is "hull/$id" pids.max 30
    local inside
    inside=$("${e[@]}" exec v2 cat /sys/fs/cgroup/memory.max /proc/self/cgroup)
    [ "$inside" = "$(printf '67108864\n0::/')" ] || fail "engine: inside the container: $inside"
    echo "  inside: memory.max 67108864, its own cgroup namespace (0::/)"
    "${e[@]}" stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' | grep -q '^v2 .* / 64MiB 1$' \
        || fail "engine: stats: $("${e[@]}" stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}')"
    echo "  stats: $("${e[@]}" stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}')"
    "${e[@]}" rm -f v2 >/dev/null
    [ ! -e "$cg/hull/$id" ] || fail "engine: cgroup $cg/hull/$id left behind"

    section "engine: an OOM kill"
    local code=0
    "${e[@]}" run --name oom -m 16m --memory-swap 16m busybox sh -c 'x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done' \
        || code=$?
    [ "$code" = 137 ] || fail "engine: the hog exited $code, expected 137"
    [ "$("${e[@]}" inspect --format '{{.State.OOMKilled}}' oom)" = true ] || fail "engine: OOMKilled is not true"
    echo "  exit 137, OOMKilled true"
    "${e[@]}" rm -f oom >/dev/null
    ! grep -q "$work" /proc/self/mountinfo || fail "engine: mounts left: $(grep "$work" /proc/self/mountinfo)"
}

# V2_SECTIONS="engine live" runs only those
for s in ${V2_SECTIONS:-basics resources limits devices live engine}; do
    "$s"
done
rm -rf "$work"
echo "v2-smoke: ok (in the guest: $((SECONDS - t0)) s)"
