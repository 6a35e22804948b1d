package dev.hull.cgroups;

/**
 * The files of one container's cgroup, by controller. Resource code reads and writes through this
 * view only, so that its logic can be tested against a recording double without a kernel.
 */
public interface CgroupFiles {
    /** Can limits of this controller ("memory", "cpu", "hugetlb"...) be set for the container? */
    boolean has(String controller);

    /** Does the controller's directory have this file (kernel features vary: cpu.idle, bfq)? */
    boolean exists(String controller, String file);

    String read(String controller, String file) throws CgroupException;

    /**
     * Writes one value; a failure names the config field, the file and the errno:
     * "linux.resources.memory.limit: write 1048576 to .../memory.limit_in_bytes: EBUSY: ...".
     */
    void write(String controller, String file, String value, String field) throws CgroupException;
}
