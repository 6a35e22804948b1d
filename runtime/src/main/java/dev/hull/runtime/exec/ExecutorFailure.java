package dev.hull.runtime.exec;

import dev.hull.runtime.program.Op;
import dev.hull.runtime.program.SetupProgram;
import dev.hull.sys.Errno;

/**
 * A step of the setup program failed in the executor: which step, the errno (0 when the detail
 * says it all, e.g. a hook's exit status) and the executor's detail.
 */
public final class ExecutorFailure extends Exception {
    private final int step;
    private final int errno;
    private final Op op;
    private final String detail;

    public ExecutorFailure(int step, int errno, Op op, String detail, String message) {
        super(message);
        this.step = step;
        this.errno = errno;
        this.op = op;
        this.detail = detail;
    }

    /** From an ERROR message: i32 step, i32 errno, i32 op, detail. */
    public static ExecutorFailure of(Message m, SetupProgram program) {
        int step = m.intAt(0), errno = m.intAt(4);
        Op op = Op.of(m.intAt(8));
        String detail = m.textAt(12);
        return new ExecutorFailure(step, errno, op, detail, format(step, errno, op, detail, program));
    }

    /**
     * "step 14 (mount proc on /proc (mounts[0])): EPERM: Operation not permitted". When the failing
     * program is not the one at hand (an error relayed by {@code start} from the container's own
     * program), the executor's detail describes the step instead.
     */
    static String format(int step, int errno, Op op, String detail, SetupProgram program) {
        String what;
        if (program != null && step >= 0 && step < program.steps().size()
                && program.steps().get(step).op() == op) {
            what = program.describe(step);
        } else {
            what = (op == null ? "setup" : op.name().toLowerCase(java.util.Locale.ROOT))
                    + (detail.isEmpty() ? "" : " " + detail);
            detail = "";
        }
        StringBuilder b = new StringBuilder();
        if (step >= 0) {
            b.append("step ").append(step).append(" (").append(what).append(")");
        } else {
            b.append(what);
        }
        if (!detail.isEmpty() && !what.equals(detail)) {
            b.append(": ").append(detail);
        }
        if (errno != 0) {
            b.append(": ").append(Errno.describe(errno));
        }
        return b.toString();
    }

    public int step() {
        return step;
    }

    public int errno() {
        return errno;
    }

    public Op op() {
        return op;
    }

    public String detail() {
        return detail;
    }
}
