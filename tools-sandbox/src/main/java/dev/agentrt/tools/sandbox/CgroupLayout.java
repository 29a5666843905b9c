package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where this instance's per-slot cgroups live. The sandbox tree is nested under the executor's
 * own cgroup in every hierarchy, so the container's limits also cover its guests:
 * {@code <mount>/<own path>/agentrt-sandbox-<instance>/slot-N}.
 *
 * <ul>
 *   <li>v1 (and hybrid): memory, pids, cpu, cpuacct, freezer controllers;
 *   <li>hybrid: additionally the v2 hierarchy at /sys/fs/cgroup/unified for {@code cgroup.kill} and
 *       {@code cgroup.events};
 *   <li>pure v2: one directory with memory, pids and cpu enabled in the parent's subtree_control.
 *       The executor's own cgroup must allow that (a delegated subtree, no processes in the parent);
 *       otherwise the probe reports no usable cgroup and tier A is not chosen.
 * </ul>
 */
public record CgroupLayout(CgroupMode mode, Map<String, Path> v1Roots, Path v2Root) {

    static final Path MOUNT = Path.of("/sys/fs/cgroup");
    static final String[] V1_CONTROLLERS = {"memory", "pids", "cpu", "cpuacct", "freezer"};

    public CgroupLayout {
        v1Roots = Map.copyOf(v1Roots);
    }

    /** Finds the hierarchies of this host; does not create anything. */
    public static Optional<CgroupLayout> detect(String instance) {
        String leaf = "agentrt-sandbox-" + instance;
        Map<String, String> ownPaths = ownCgroupPaths();
        if (Files.isRegularFile(MOUNT.resolve("cgroup.controllers"))) {
            Path own = MOUNT.resolve(relative(ownPaths.getOrDefault("", "/")));
            return Optional.of(new CgroupLayout(CgroupMode.V2, Map.of(), own.resolve(leaf)));
        }
        Map<String, Path> v1 = new LinkedHashMap<>();
        for (String controller : V1_CONTROLLERS) {
            Path mount = MOUNT.resolve(controller);
            String own = ownPaths.get(controller);
            if (!Files.isDirectory(mount) || own == null) {
                return Optional.empty();
            }
            v1.put(controller, mount.resolve(relative(own)).resolve(leaf));
        }
        Path unified = MOUNT.resolve("unified");
        if (Files.isRegularFile(unified.resolve("cgroup.procs"))) {
            Path own = unified.resolve(relative(ownPaths.getOrDefault("", "/")));
            return Optional.of(new CgroupLayout(CgroupMode.HYBRID, v1, own.resolve(leaf)));
        }
        return Optional.of(new CgroupLayout(CgroupMode.V1, v1, null));
    }

    private static String relative(String cgroupPath) {
        String trimmed = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
        if (trimmed.contains("..")) {
            throw new SandboxException("unexpected cgroup path " + cgroupPath);
        }
        return trimmed;
    }

    /** controller name (or "" for the v2 hierarchy) to this process's cgroup path. */
    static Map<String, String> ownCgroupPaths() {
        Map<String, String> paths = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] parts = line.split(":", 3);
                if (parts.length != 3) {
                    continue;
                }
                if (parts[1].isEmpty()) {
                    paths.put("", parts[2]);
                }
                for (String controller : parts[1].split(",")) {
                    if (!controller.isEmpty()) {
                        paths.put(controller, parts[2]);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/cgroup", e);
        }
        return paths;
    }

    /** Creates the instance directories (and enables v2 controllers); throws if not writable. */
    public void prepare() {
        try {
            for (Path root : v1Roots.values()) {
                Files.createDirectories(root);
            }
            if (v2Root != null) {
                Files.createDirectories(v2Root);
                if (mode == CgroupMode.V2) {
                    enableV2Controllers(v2Root.getParent());
                    enableV2Controllers(v2Root);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new SandboxException("cgroup tree not writable: " + e.getMessage(), e);
        }
    }

    private static void enableV2Controllers(Path dir) {
        String enabled = SysFiles.read(dir.resolve("cgroup.subtree_control"));
        for (String controller : new String[] {"memory", "pids", "cpu"}) {
            if (!(" " + enabled.trim() + " ").contains(" " + controller + " ")) {
                SysFiles.write(dir.resolve("cgroup.subtree_control"), "+" + controller);
            }
        }
    }

    /** Slot cgroups that exist under this instance in any hierarchy (left by an earlier run). */
    public java.util.Set<String> existingSlotNames() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        List<Path> roots = new java.util.ArrayList<>(v1Roots.values());
        if (v2Root != null) {
            roots.add(v2Root);
        }
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (var children = Files.list(root)) {
                children.map(p -> p.getFileName().toString()).filter(n -> n.matches("slot-\\d+")).forEach(names::add);
            } catch (IOException e) {
                throw new SandboxException("cannot list " + root + ": " + e.getMessage(), e);
            }
        }
        return names;
    }

    /** Removes the (empty) instance directories; best effort, at shutdown. */
    public void removeInstanceDirs() {
        List<Path> roots = new java.util.ArrayList<>(v1Roots.values());
        if (v2Root != null) {
            roots.add(v2Root);
        }
        for (Path root : roots) {
            try {
                Files.deleteIfExists(root);
            } catch (IOException e) {
                // a slot cgroup is still inside: leave it for the next startup sweep
            }
        }
    }

    /** Directories of one slot's cgroup in every hierarchy (may not exist yet). */
    public Map<String, Path> slotDirs(String slotName) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        v1Roots.forEach((controller, root) -> dirs.put(controller, root.resolve(slotName)));
        if (v2Root != null) {
            dirs.put("", v2Root.resolve(slotName));
        }
        return dirs;
    }
}
