#!/bin/sh
# DefaultSeccompProfileIT: busybox applets the default seccomp profile must leave working, and the
# ones it must refuse (*-refused); one line each, "name ok" or "name FAIL". Needs a writable /tmp.
t() { name=$1; shift; if "$@" >/dev/null 2>&1; then echo "$name ok"; else echo "$name FAIL"; fi; }
t sh sh -c 'exit 0'
t ls ls -l /
t cat cat /etc/passwd
t ps ps
t id id
t hostname hostname
t date date
t top top -b -n1
t mkdir mkdir -p /tmp/d/e
t chmod chmod 700 /tmp/d
t chown chown nobody:nogroup /tmp/d
t touch touch /tmp/d/f
t tar sh -c 'tar -cf /tmp/a.tar -C /tmp d && tar -tf /tmp/a.tar | grep -q d/f'
t sort sh -c 'printf "b\na\n" | sort | head -1 | grep -qx a'
t awk sh -c 'echo 1 2 | awk "{print \$1+\$2}" | grep -qx 3'
t find sh -c 'find /tmp -name f | grep -q f'
t sed sh -c 'echo abc | sed s/b/x/ | grep -qx axc'
t gzip sh -c 'echo hi | gzip | gunzip | grep -qx hi'
t sleep sleep 0
t kill sh -c 'sleep 10 & kill $!'
t ping ping -c1 -W2 127.0.0.1
PORT=$((20000 + RANDOM % 20000))
mkdir -p /tmp/www && echo hello > /tmp/www/index.html
httpd -p 127.0.0.1:$PORT -h /tmp/www
t wget sh -c "wget -q -O /tmp/index.html http://127.0.0.1:$PORT/index.html && grep -qx hello /tmp/index.html"
kill $(pidof httpd) 2>/dev/null
t stat stat /
t df df /
t ln sh -c 'ln -s /etc/passwd /tmp/l && readlink /tmp/l'
t mv sh -c 'mv /tmp/l /tmp/m && rm /tmp/m'
t mkfifo sh -c 'mkfifo /tmp/p && rm /tmp/p'
t uname uname -a
t chroot chroot / true
t date-set-refused sh -c 'date -s "2001-01-01 00:00:00" 2>&1 | grep -q "Operation not permitted" && ! date | grep -q 2001'
t unshare-U-refused sh -c '! unshare -U true'
t mount-tmpfs-refused sh -c 'mkdir -p /tmp/mnt && ! mount -t tmpfs tmpfs /tmp/mnt'
