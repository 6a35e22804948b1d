package dev.hull.spec;

import java.util.List;

/** {@code process}: what runs in the container, and with which identity and privileges. */
public record Process(
        boolean terminal,
        ConsoleSize consoleSize,
        User user,
        List<String> args,
        String commandLine,
        List<String> env,
        String cwd,
        Capabilities capabilities,
        List<Rlimit> rlimits,
        boolean noNewPrivileges,
        String apparmorProfile,
        Integer oomScoreAdj,
        String selinuxLabel,
        IoPriority ioPriority,
        Scheduler scheduler) {

    public Process {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
    }

    /** {@code process.consoleSize}. */
    public record ConsoleSize(int height, int width) {}

    /** {@code process.user}; uid/gid are uint32 in the spec, kept in a long. */
    public record User(long uid, long gid, Long umask, List<Long> additionalGids, String username) {
        public User {
            additionalGids = additionalGids == null ? List.of() : List.copyOf(additionalGids);
        }
    }

    /** {@code process.capabilities}: each set is a list of names such as "CAP_KILL"; null = absent. */
    public record Capabilities(
            List<String> bounding,
            List<String> effective,
            List<String> inheritable,
            List<String> permitted,
            List<String> ambient) {}

    /** {@code process.rlimits[]}: values are uint64 (RLIM_INFINITY is -1 when read as signed). */
    public record Rlimit(String type, long hard, long soft) {}

    /** {@code process.ioPriority}. */
    public record IoPriority(String ioPriorityClass, int priority) {}

    /** {@code process.scheduler}. */
    public record Scheduler(String policy, Integer nice, Integer priority, List<String> flags,
                            Long runtime, Long deadline, Long period) {
        public Scheduler {
            flags = flags == null ? List.of() : List.copyOf(flags);
        }
    }
}
