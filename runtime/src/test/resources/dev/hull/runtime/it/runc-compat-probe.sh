#!/bin/sh
# RuncCompatIT's probe: run as the container's process by runc and by hull-runtime, it prints
# what the container sees, one fact per line, in a form that does not depend on which runtime
# started it. The test replaces the container id and namespace inodes (it knows the host's).
# PROBE_WRITE: paths to try writing to (a directory gets a file created and removed).

echo "id: $(id)"
grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|Seccomp_filters|SigBlk|SigIgn|Cpus_allowed_list|Mems_allowed_list):' /proc/self/status
# the shell's session and process group (a session leader?), its controlling terminal
awk '{ print "session: leader=" ($1 == $6) " pgrp-leader=" ($1 == $5) " tty=" $7 }' /proc/$$/stat
echo "hostname: $(cat /proc/sys/kernel/hostname)"
echo "domainname: $(cat /proc/sys/kernel/domainname)"
echo "umask: $(umask)"
echo "pwd: $(pwd)"
echo "pid: $$ ppid: $PPID"
env | sort | sed 's/^/env: /'
sed 's/^/limits: /' /proc/self/limits
sed 's/^ */uid_map: /' /proc/self/uid_map
sed 's/^ */gid_map: /' /proc/self/gid_map
echo "setgroups: $(cat /proc/self/setgroups)"
echo "oom_score_adj: $(cat /proc/self/oom_score_adj)"
for n in $(ls /proc/self/ns); do echo "ns: $n $(readlink /proc/self/ns/$n)"; done
sed 's/^/cgroup: /' /proc/self/cgroup

# mountinfo: id parent major:minor root mount-point options [optional...] - type source super-options
# (ids and device numbers dropped, peer group numbers too: "shared:12" -> "shared")
awk '{ prop = ""; for (i = 7; $i != "-"; i++) { o = $i; sub(/:[0-9]+$/, "", o); prop = prop " " o }
       print "mount: " $5 " root=" $4 " type=" $(i + 1) " source=" $(i + 2) " opts=" $6 \
             " super=" $(i + 3) " prop=" prop }' /proc/self/mountinfo

# /dev, its subdirectories and the file systems on them (pts, shm, mqueue): type and mode,
# owner, major:minor, name (and link target)
for f in $(find /dev | sort); do
    stat -c "dev: %A %u %g %t:%T %N" "$f"
done
echo "fds: $(ls /proc/self/fd | tr '\n' ' ')"

# masked and read-only paths
echo "kcore: $(stat -c '%F %s' /proc/kcore 2>&1) [$( (wc -c </proc/kcore) 2>&1)]"
echo "firmware: [$(ls -A /sys/firmware 2>&1 | tr '\n' ' ')]"
for p in /proc/acpi /proc/asound /proc/keys /proc/latency_stats /proc/timer_list /proc/timer_stats \
         /proc/sched_debug /proc/scsi; do
    echo "masked: $p $(stat -c '%F' $p 2>&1) [$(ls -A $p 2>&1 | head -3 | tr '\n' ' ')]"
done
# a real write, of the value it has (harmless should it succeed)
if (cat /proc/sys/kernel/hostname >/proc/sys/kernel/hostname) 2>/dev/null; then w=writable; else w=read-only; fi
echo "write: /proc/sys/kernel/hostname $w"
# access(2) only: opening /proc/sysrq-trigger for writing is as far as this probe goes
if [ -w /proc/sysrq-trigger ]; then w=writable; else w=read-only; fi
echo "write: /proc/sysrq-trigger $w"
for p in /.probe $PROBE_WRITE; do
    if [ -d "$p" ]; then
        if touch "$p/.probe" 2>/dev/null && rm "$p/.probe"; then w=writable; else w=read-only; fi
    elif [ -e "$p" ]; then
        if (: >>"$p") 2>/dev/null; then w=writable; else w=read-only; fi
    else
        if touch "$p" 2>/dev/null && rm "$p"; then w=writable; else w=read-only; fi
    fi
    echo "write: $p $w"
done
