package dev.hull.cgroups;

import dev.hull.spec.Resources;
import dev.hull.sys.Errno;
import java.io.IOException;
import java.util.Map;

/** The parts of applying linux.resources that v1 and v2 share: checks, cpusets, hugetlb, rdma, unified. */
final class CommonResources {
    private static final String R = "linux.resources.";

    private CommonResources() {}

    /** A host without the controller the config asks for is an error, not a silent skip. */
    static void require(CgroupFiles f, String controller, String field) throws CgroupException {
        if (!f.has(controller)) {
            throw new CgroupException(field + ": the " + controller + " cgroup controller is not available on this host");
        }
    }

    /** Kernel features come and go with versions and I/O schedulers: say which file is missing. */
    static void requireFile(CgroupFiles f, String controller, String file, String field) throws CgroupException {
        require(f, controller, field);
        if (!f.exists(controller, file)) {
            throw new CgroupException(field + ": this kernel has no " + file);
        }
    }

    /**
     * Writes a value that the kernel may refuse (EINVAL) only because of another value that is
     * about to change: a period or burst checked against the old quota, an rt period against
     * the old runtime. With {@code retryLater}, such a refusal returns false and the caller
     * writes the value again after the other one, as runc does; any other failure is thrown.
     */
    static boolean writeOrDefer(CgroupFiles f, String controller, String file, String value, String field,
                                boolean retryLater) throws CgroupException {
        try {
            f.write(controller, file, value, field);
            return true;
        } catch (CgroupException e) {
            if (retryLater && e.getCause() instanceof IOException io
                    && Errno.fromMessage(Cgroup.reason(io)) == Errno.EINVAL) {
                return false;
            }
            throw e;
        }
    }

    static long number(String s) throws CgroupException {
        String t = s.trim();
        if (t.equals("max")) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            throw new CgroupException("unexpected value \"" + t + "\" in a cgroup file");
        }
    }

    /**
     * memory.checkBeforeUpdate: an update refuses a limit below the current usage, read from
     * usageFile (memory.usage_in_bytes on v1, memory.current on v2).
     */
    static void checkBeforeUpdate(Resources.Memory m, CgroupFiles f, boolean update, String usageFile)
            throws CgroupException {
        Long limit = m.limit();
        if (update && Boolean.TRUE.equals(m.checkBeforeUpdate()) && limit != null && limit > 0) {
            long usage = number(f.read("memory", usageFile));
            if (limit < usage) {
                throw new CgroupException(R + "memory.limit: " + limit + " is below the current usage, "
                        + usage + " (checkBeforeUpdate)");
            }
        }
    }

    static void cpuset(Resources.Cpu c, CgroupFiles f) throws CgroupException {
        if (c.cpus() != null && !c.cpus().isEmpty()) {
            require(f, "cpuset", R + "cpu.cpus");
            f.write("cpuset", "cpuset.cpus", c.cpus(), R + "cpu.cpus");
        }
        if (c.mems() != null && !c.mems().isEmpty()) {
            require(f, "cpuset", R + "cpu.mems");
            f.write("cpuset", "cpuset.mems", c.mems(), R + "cpu.mems");
        }
    }

    /** hugetlb.<size>.limit_in_bytes on v1, hugetlb.<size>.max where the v2 tree serves it. */
    static void hugetlb(Resources r, CgroupFiles f) throws CgroupException {
        int i = 0;
        for (Resources.HugepageLimit h : r.hugepageLimits()) {
            String field = R + "hugepageLimits[" + i++ + "]";
            require(f, "hugetlb", field);
            String file = "hugetlb." + h.pageSize() + (f.exists("hugetlb", "hugetlb." + h.pageSize() + ".max")
                    ? ".max" : ".limit_in_bytes");
            if (!f.exists("hugetlb", file)) {
                throw new CgroupException(field + ".pageSize: this host has no huge pages of size \""
                        + h.pageSize() + "\"");
            }
            f.write("hugetlb", file, Long.toUnsignedString(h.limit()), field);
        }
    }

    /** rdma.max: "mlx4_0 hca_handle=2 hca_object=2000", the same on v1 and v2. */
    static void rdma(Resources r, CgroupFiles f) throws CgroupException {
        for (Map.Entry<String, Resources.Rdma> e : r.rdma().entrySet()) {
            String field = R + "rdma[\"" + e.getKey() + "\"]";
            require(f, "rdma", field);
            StringBuilder v = new StringBuilder(e.getKey());
            if (e.getValue().hcaHandles() != null) {
                v.append(" hca_handle=").append(e.getValue().hcaHandles());
            }
            if (e.getValue().hcaObjects() != null) {
                v.append(" hca_object=").append(e.getValue().hcaObjects());
            }
            f.write("rdma", "rdma.max", v.toString(), field);
        }
    }

    /** linux.resources.unified: raw v2 files, written last so that they win, as runc does. */
    static void unified(Map<String, String> unified, CgroupFiles f) throws CgroupException {
        for (Map.Entry<String, String> e : unified.entrySet()) {
            String key = e.getKey();
            String field = R + "unified[\"" + key + "\"]";
            if (key.isEmpty() || key.indexOf('/') >= 0 || key.startsWith(".") || key.indexOf('.') < 0) {
                throw new CgroupException(field + ": not a cgroup file name");
            }
            if (!f.exists("", key)) {
                throw new CgroupException(field + ": the container's cgroup has no file " + key
                        + " (is its controller enabled?)");
            }
            // the kernel parses one line per write (io.max, io.weight for several devices): a
            // value of several lines is written a line at a time, as runc's WriteFileByLine does
            String v = e.getValue();
            int start = 0;
            for (int nl = v.indexOf('\n'); nl >= 0; nl = v.indexOf('\n', start)) {
                if (nl > start) {
                    f.write("", key, v.substring(start, nl), field);
                }
                start = nl + 1;
            }
            if (start == 0 || start < v.length()) {
                f.write("", key, v.substring(start), field);
            }
        }
    }
}
