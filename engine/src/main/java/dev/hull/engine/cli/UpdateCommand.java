package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Flags.Flag;
import dev.hull.engine.container.Container;
import dev.hull.engine.container.ContainerStore;
import dev.hull.engine.container.Exits;
import dev.hull.engine.container.RuntimeView;
import dev.hull.runtime.HullException;
import dev.hull.runtime.lifecycle.Update;
import dev.hull.spec.SpecException;
import dev.hull.spec.SpecParser;
import dev.hull.spec.json.Json;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hull update}: new limits for running containers (the runtime's update, in-process) and
 * for the record, so that inspect shows them and the next start applies them.
 */
final class UpdateCommand {
    private UpdateCommand() {}

    static final List<Flag> FLAGS = List.of(Flag.value("memory", 'm'), Flag.value("memory-swap"),
            Flag.value("memory-reservation"), Flag.value("cpu-shares", 'c'), Flag.value("cpus"),
            Flag.value("cpu-period"), Flag.value("cpu-quota"), Flag.value("cpuset-cpus"), Flag.value("cpuset-mems"),
            Flag.value("pids-limit"), Flag.value("blkio-weight"), Flag.value("restart"));

    static int update(Engine engine, List<String> args, PrintStream out, PrintStream err) throws EngineException {
        Flags f = Flags.parse("update", args, FLAGS, true);
        Commands.need("update", f, 1);
        Map<String, Object> host = new LinkedHashMap<>();
        Map<String, Object> memory = new LinkedHashMap<>(), cpu = new LinkedHashMap<>();
        Map<String, Object> res = new LinkedHashMap<>();
        if (f.get("memory") != null) {
            long m = Sizes.ram("--memory", f.get("memory"));
            host.put("Memory", m);
            memory.put("limit", m);
        }
        if (f.get("memory-swap") != null) {
            long s = f.get("memory-swap").trim().equals("-1") ? -1 : Sizes.ram("--memory-swap", f.get("memory-swap"));
            host.put("MemorySwap", s);
            memory.put("swap", s);
        } else if (memory.containsKey("limit")) {
            // Docker keeps swap at twice the new limit when it was not set
            memory.put("swap", 2 * (long) memory.get("limit"));
            host.put("MemorySwap", 2 * (long) memory.get("limit"));
        }
        if (f.get("memory-reservation") != null) {
            long r = Sizes.ram("--memory-reservation", f.get("memory-reservation"));
            host.put("MemoryReservation", r);
            memory.put("reservation", r);
        }
        if (f.get("cpu-shares") != null) {
            long s = Sizes.integer("--cpu-shares", f.get("cpu-shares"));
            host.put("CpuShares", s);
            cpu.put("shares", s);
        }
        if (f.get("cpus") != null) {
            long nano = Sizes.nanoCpus(f.get("cpus"));
            host.put("NanoCpus", nano);
            cpu.put("period", 100_000L);
            cpu.put("quota", nano == 0 ? -1 : nano * 100_000L / 1_000_000_000L);
        }
        if (f.get("cpu-period") != null) {
            long p = Sizes.integer("--cpu-period", f.get("cpu-period"));
            host.put("CpuPeriod", p);
            cpu.put("period", p);
        }
        if (f.get("cpu-quota") != null) {
            long q = Sizes.integer("--cpu-quota", f.get("cpu-quota"));
            host.put("CpuQuota", q);
            cpu.put("quota", q);
        }
        if (f.get("cpuset-cpus") != null) {
            host.put("CpusetCpus", f.get("cpuset-cpus"));
            cpu.put("cpus", f.get("cpuset-cpus"));
        }
        if (f.get("cpuset-mems") != null) {
            host.put("CpusetMems", f.get("cpuset-mems"));
            cpu.put("mems", f.get("cpuset-mems"));
        }
        if (f.get("pids-limit") != null) {
            long p = Sizes.integer("--pids-limit", f.get("pids-limit"));
            host.put("PidsLimit", p);
            res.put("pids", new LinkedHashMap<>(Map.of("limit", p <= 0 ? -1L : p)));
        }
        if (f.get("blkio-weight") != null) {
            long w = Sizes.integer("--blkio-weight", f.get("blkio-weight"));
            if (w != 0 && (w < 10 || w > 1000)) {
                throw new EngineException("--blkio-weight: range of blkio weight is from 10 to 1000");
            }
            host.put("BlkioWeight", w);
            res.put("blockIO", new LinkedHashMap<>(Map.of("weight", w)));
        }
        if (f.get("restart") != null) {
            host.put("RestartPolicy", RunFlags.restart(f.get("restart")));
        }
        if (!memory.isEmpty()) {
            res.put("memory", memory);
        }
        if (!cpu.isEmpty()) {
            res.put("cpu", cpu);
        }
        if (host.isEmpty()) {
            throw EngineException.usage("update: you must provide one or more flags when using this command");
        }
        return Commands.each(f.positional(), err, ref -> {
            Container c = Exits.reconcile(engine, engine.containers().find(ref));
            if (!res.isEmpty() && c.state().running() && RuntimeView.alive(engine, c.id())) {
                try {
                    Update.update(engine.runtime(), c.id(), SpecParser.parseResources(
                            Json.write(res).getBytes(java.nio.charset.StandardCharsets.UTF_8), "update"));
                } catch (HullException | SpecException e) {
                    throw new EngineException("Cannot update container " + c.id() + ": " + e.getMessage());
                }
            }
            try (ContainerStore.Lock lock = engine.containers().lock(c.id())) {
                Container now = engine.containers().load(c.id());
                Map<String, Object> h = new LinkedHashMap<>(now.hostConfig());
                h.putAll(host);
                engine.containers().save(now.withHostConfig(h));
            }
            out.println(ref);
        });
    }
}
