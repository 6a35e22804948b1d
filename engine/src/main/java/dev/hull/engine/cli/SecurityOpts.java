package dev.hull.engine.cli;

import dev.hull.engine.EngineException;

/**
 * {@code --security-opt}: {@code seccomp=PROFILE.json|unconfined}, {@code apparmor=PROFILE},
 * {@code label=user:..|role:..|type:..|level:..|disable}, {@code no-new-privileges[:true|false]}
 * (also with '='), as Docker takes them. The seccomp file must exist now: a missing profile is
 * the caller's mistake, reported before anything is made.
 */
public final class SecurityOpts {
    private SecurityOpts() {}

    public static String check(String opt) throws EngineException {
        if (opt.equals("no-new-privileges")) {
            return opt;
        }
        int sep = opt.indexOf('=');
        int colon = opt.indexOf(':');
        if (opt.startsWith("no-new-privileges") && (sep == 17 || colon == 17)) {
            String v = opt.substring(18);
            if (!v.equals("true") && !v.equals("false")) {
                throw new EngineException("--security-opt " + opt + ": invalid --security-opt 2: \"" + opt + "\"");
            }
            return opt;
        }
        if (sep <= 0) {
            throw new EngineException("--security-opt " + opt + ": invalid --security-opt: \"" + opt + "\" (expected KEY=VALUE)");
        }
        String key = opt.substring(0, sep), value = opt.substring(sep + 1);
        switch (key) {
            case "seccomp" -> {
                if (!value.equals("unconfined") && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(value))) {
                    throw new EngineException("--security-opt seccomp=" + value + ": opening seccomp profile (" + value
                            + ") failed: open " + value + ": no such file or directory");
                }
            }
            case "apparmor" -> {
                if (value.isEmpty()) {
                    throw new EngineException("--security-opt apparmor=: empty profile name");
                }
            }
            case "label" -> {
                if (!value.equals("disable") && !value.equals("nested")) {
                    int c = value.indexOf(':');
                    String k = c < 0 ? value : value.substring(0, c);
                    if (c < 0 || !(k.equals("user") || k.equals("role") || k.equals("type") || k.equals("level")
                            || k.equals("filetype"))) {
                        throw new EngineException("--security-opt label=" + value
                                + ": invalid label option (user:, role:, type:, level:, filetype: or disable)");
                    }
                }
            }
            case "systempaths" -> {
                if (!value.equals("unconfined")) {
                    throw new EngineException("--security-opt systempaths=" + value + ": only unconfined is supported");
                }
            }
            default -> throw new EngineException("--security-opt " + opt + ": invalid --security-opt 1: \"" + opt + "\"");
        }
        return opt;
    }
}
