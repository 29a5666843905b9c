package dev.agentrt.cli.tools;

import dev.agentrt.cli.KafkaClientOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/** The Kafka client settings of --bootstrap and --config, without the agentrt.* keys. */
final class KafkaClientConfig {

    private KafkaClientConfig() {
    }

    static Map<String, Object> of(KafkaClientOptions kafka, Properties properties) {
        Map<String, Object> config = new HashMap<>();
        properties.forEach((k, v) -> {
            if (!k.toString().startsWith("agentrt.")) {
                config.put(k.toString(), v);
            }
        });
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        return config;
    }
}
