package dev.hull.spec;

import java.util.List;

/** {@code linux.seccomp}. */
public record Seccomp(
        String defaultAction,
        Long defaultErrnoRet,
        List<String> architectures,
        List<String> flags,
        String listenerPath,
        String listenerMetadata,
        List<Syscall> syscalls) {

    public Seccomp {
        architectures = architectures == null ? List.of() : List.copyOf(architectures);
        flags = flags == null ? List.of() : List.copyOf(flags);
        syscalls = syscalls == null ? List.of() : List.copyOf(syscalls);
    }

    public record Syscall(List<String> names, String action, Long errnoRet, List<Arg> args) {
        public Syscall {
            names = names == null ? List.of() : List.copyOf(names);
            args = args == null ? List.of() : List.copyOf(args);
        }
    }

    /** An argument comparison; value/valueTwo are uint64. */
    public record Arg(int index, long value, long valueTwo, String op) {}
}
