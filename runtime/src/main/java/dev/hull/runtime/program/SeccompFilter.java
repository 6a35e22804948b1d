package dev.hull.runtime.program;

import dev.hull.spec.Seccomp;
import dev.hull.spec.SpecException;

/**
 * A compiled {@code linux.seccomp}: the classic-BPF program (struct sock_filter[]) the executor
 * loads, the SECCOMP_FILTER_FLAG_* bits to load it with (without NEW_LISTENER, which the compiler
 * adds when {@code notifies}), and whether some rule uses SCMP_ACT_NOTIFY.
 */
public record SeccompFilter(byte[] bpf, long flags, boolean notifies) {
    public static final long FLAG_TSYNC = 1, FLAG_LOG = 2, FLAG_SPEC_ALLOW = 4, FLAG_NEW_LISTENER = 8,
            FLAG_TSYNC_ESRCH = 16, FLAG_WAIT_KILLABLE_RECV = 32;

    /**
     * Turns a profile into a filter. Injected into {@link ProgramCompiler.Input} so that the
     * compiler stays testable without libseccomp (and the start path can use a cache).
     */
    public interface Compiler {
        SeccompFilter compile(Seccomp seccomp) throws SpecException;
    }
}
