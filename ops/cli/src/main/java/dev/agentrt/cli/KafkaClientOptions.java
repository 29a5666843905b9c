package dev.agentrt.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import dev.agentrt.topics.AgentrtTopics;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * Options every service shares: where Kafka is and the standard client settings (SASL, TLS, ...) in a
 * properties file. Mixed into each service command.
 */
public final class KafkaClientOptions {

    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092",
        description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--config", paramLabel = "FILE",
        description = "A properties file with Kafka client settings (security.protocol, sasl.*, ssl.*) and "
            + "agentrt settings (agentrt.topic.prefix, agentrt.topic.partitions, ...).")
    Path config;

    public String bootstrap() {
        return bootstrap;
    }

    /** The agentrt topic names (prefix, partitions) from the file's {@code agentrt.topic.*} keys. */
    public AgentrtTopics topics() {
        return AgentrtTopics.fromConfig(properties());
    }

    /** Kafka client settings: the file's, without agentrt's own keys, plus {@code bootstrap.servers}. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        properties().forEach((k, v) -> {
            if (!k.toString().startsWith("agentrt.")) config.put(k.toString(), v);
        });
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return config;
    }

    /** The file's properties, or empty; a missing or unreadable file is an error that names it. */
    public Properties properties() {
        var p = new Properties();
        if (config == null) return p;
        try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --config " + config + ": " + e.getMessage(), e);
        }
        return p;
    }
}
