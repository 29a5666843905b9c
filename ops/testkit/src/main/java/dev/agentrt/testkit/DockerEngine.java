package dev.agentrt.testkit;

import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine is reachable, probed once per JVM: Testcontainers needs about a second to try every
 * strategy when there is none, and it does not retry after a failure anyway.
 */
public final class DockerEngine {

    private DockerEngine() {
    }

    public static boolean isAvailable() {
        return Probe.AVAILABLE;
    }

    private static final class Probe {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
    }
}
