package dev.agentrt.broker;

import org.apache.kafka.clients.admin.NewTopic;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The agentrt topics (architecture.md §1) under one name prefix, each with the same partition count.
 *
 * <p>Every record is keyed by conversation id, so all topics share the partition count: a conversation then maps to
 * the same partition number on every topic. The replication factor is left to the cluster's
 * {@code default.replication.factor} (1 on the embedded broker).
 *
 * <p>The canonical names will live in {@code dev.agentrt.topics.AgentrtTopics} (module schemas); this class mirrors
 * them until the two are reconciled.
 */
public record AgentrtTopicLayout(String prefix, int partitions) {

    public static final String DEFAULT_PREFIX = "agentrt.";
    public static final int DEFAULT_PARTITIONS = 3;

    /** Topic name suffixes, in the order a request flows through the loop. */
    public static final List<String> SUFFIXES = List.of(
            "requests", "inference", "inference-results", "tool-calls", "tool-results",
            "responses", "transcript", "deltas", "dlq");

    private static final Pattern LEGAL_TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]*");
    private static final int MAX_TOPIC_NAME_LENGTH = 249;

    public AgentrtTopicLayout {
        if (prefix == null) {
            throw new IllegalArgumentException("topic prefix must not be null (use \"\" for none)");
        }
        if (!LEGAL_TOPIC_CHARS.matcher(prefix).matches()) {
            throw new IllegalArgumentException("topic prefix '" + prefix
                    + "' may only contain ASCII letters, digits, '.', '_' and '-'");
        }
        int longest = SUFFIXES.stream().mapToInt(String::length).max().orElseThrow();
        if (prefix.length() + longest > MAX_TOPIC_NAME_LENGTH) {
            throw new IllegalArgumentException("topic prefix is too long: topic names are limited to "
                    + MAX_TOPIC_NAME_LENGTH + " characters");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
    }

    public static AgentrtTopicLayout defaults() {
        return new AgentrtTopicLayout(DEFAULT_PREFIX, DEFAULT_PARTITIONS);
    }

    public String requests() {
        return prefix + "requests";
    }

    public String inference() {
        return prefix + "inference";
    }

    public String inferenceResults() {
        return prefix + "inference-results";
    }

    public String toolCalls() {
        return prefix + "tool-calls";
    }

    public String toolResults() {
        return prefix + "tool-results";
    }

    public String responses() {
        return prefix + "responses";
    }

    public String transcript() {
        return prefix + "transcript";
    }

    public String deltas() {
        return prefix + "deltas";
    }

    public String dlq() {
        return prefix + "dlq";
    }

    /** All topic names, in the order of {@link #SUFFIXES}. */
    public List<String> names() {
        return SUFFIXES.stream().map(suffix -> prefix + suffix).toList();
    }

    /** Topic specs with this layout's partition count and the cluster's default replication factor. */
    public List<NewTopic> newTopics() {
        return names().stream()
                .map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty()))
                .toList();
    }
}
