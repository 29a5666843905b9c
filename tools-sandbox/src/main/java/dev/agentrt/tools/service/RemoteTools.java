package dev.agentrt.tools.service;

import dev.agentrt.tools.CommandRoute;
import dev.agentrt.tools.HttpRouteSettings;
import dev.agentrt.tools.KafkaRouteSettings;
import dev.agentrt.tools.RemoteTool;
import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolRoute;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The clients of the {@code http} and {@code kafka} routes of a routes.yaml, and the connections
 * they share: one HTTP client, one producer for every request topic, one listener per reply topic.
 * Nothing is opened for a config without such routes.
 */
public final class RemoteTools implements AutoCloseable {

    private final Map<String, RemoteTool> byName;
    private final HttpClient httpClient;
    private final Producer<byte[], byte[]> producer;
    private final Map<String, KafkaReplyListener> listeners;

    private RemoteTools(Map<String, RemoteTool> byName, HttpClient httpClient, Producer<byte[], byte[]> producer,
                        Map<String, KafkaReplyListener> listeners) {
        this.byName = Map.copyOf(byName);
        this.httpClient = httpClient;
        this.producer = producer;
        this.listeners = listeners;
    }

    /**
     * {@code kafkaClientConfig}: bootstrap servers and the standard client settings (SASL, TLS) used
     * for the request producer and the reply listeners.
     */
    public static RemoteTools open(RoutesConfig routes, Map<String, Object> kafkaClientConfig) {
        Map<String, RemoteTool> byName = new LinkedHashMap<>();
        HttpClient httpClient = null;
        Producer<byte[], byte[]> producer = null;
        Map<String, KafkaReplyListener> listeners = new HashMap<>();
        for (Map.Entry<String, ToolRoute> entry : routes.tools().entrySet()) {
            switch (entry.getValue()) {
                case CommandRoute command -> {
                    // runs in the sandbox: no client
                }
                case HttpRouteSettings http -> {
                    httpClient = httpClient != null ? httpClient : HttpRoute.newClient();
                    byName.put(entry.getKey(), new HttpRoute(http, routes.http(), httpClient));
                }
                case KafkaRouteSettings kafka -> {
                    producer = producer != null ? producer : requestProducer(kafkaClientConfig);
                    KafkaReplyListener listener = listeners.computeIfAbsent(kafka.replyTopic(),
                            topic -> new KafkaReplyListener(topic, kafkaClientConfig));
                    byName.put(entry.getKey(), new KafkaRoute(entry.getKey(), kafka, producer, listener));
                }
            }
        }
        return new RemoteTools(byName, httpClient, producer, listeners);
    }

    private static Producer<byte[], byte[]> requestProducer(Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The client of every http and kafka route, by tool name. */
    public Map<String, RemoteTool> byName() {
        return byName;
    }

    @Override
    public void close() {
        listeners.values().forEach(KafkaReplyListener::close);
        if (producer != null) {
            producer.close();
        }
        if (httpClient != null) {
            httpClient.close();
        }
    }
}
