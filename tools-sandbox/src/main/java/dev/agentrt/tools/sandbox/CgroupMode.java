package dev.agentrt.tools.sandbox;

/** Which cgroup hierarchy the host offers (shared/docs/sandbox.md §3.6). */
public enum CgroupMode {
    NONE,
    /** cgroup v1 controllers only. */
    V1,
    /** v1 controllers for limits plus a v2 hierarchy for {@code cgroup.kill} (this machine kind). */
    HYBRID,
    /** Unified cgroup v2 only (modern Kubernetes nodes). */
    V2
}
