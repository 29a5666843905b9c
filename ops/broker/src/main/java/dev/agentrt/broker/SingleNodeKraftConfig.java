package dev.agentrt.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The server properties of a single-node KRaft Kafka (one process is both broker and controller) bound to
 * 127.0.0.1.
 *
 * <p>Besides the listener wiring, it carries the overrides a one-node cluster needs: Kafka's defaults assume three
 * replicas for the internal topics, so without them the first consumer group, transaction or share group would
 * wait forever for replicas that never come (see shared dependencies.md §1).
 */
final class SingleNodeKraftConfig {

    static final int NODE_ID = 1;
    static final String HOST = "127.0.0.1";
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** Keys that define the node's identity and wiring; extra properties may not change them. */
    static final Set<String> MANAGED_KEYS = Set.of(
            "process.roles", "node.id", "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "listeners", "advertised.listeners", "controller.listener.names", "inter.broker.listener.name",
            "listener.security.protocol.map", "log.dirs", "log.dir", "metadata.log.dir");

    private SingleNodeKraftConfig() {
    }

    /** Defaults a one-node cluster needs; each may be overridden through the builder's extra properties. */
    static Map<String, String> singleNodeDefaults() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "5");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        // A lone member should not wait 3 s for peers that will never join.
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    static Map<String, String> properties(int brokerPort, int controllerPort, Path dataDirectory,
                                          Duration startTimeout, Map<String, String> extra) {
        for (String key : extra.keySet()) {
            if (MANAGED_KEYS.contains(key)) {
                throw new IllegalArgumentException("broker property '" + key
                        + "' is set by EmbeddedKafkaBroker itself (single node on " + HOST + ") and cannot be overridden");
            }
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", dataDirectory.toString());
        // Bounds how long startup() may block waiting for metadata catch-up and unfencing.
        p.put("server.max.startup.time.ms", Long.toString(startTimeout.toMillis()));
        p.putAll(singleNodeDefaults());
        p.putAll(extra);
        return p;
    }
}
