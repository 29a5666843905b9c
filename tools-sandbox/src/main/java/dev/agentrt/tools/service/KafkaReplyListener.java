package dev.agentrt.tools.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one reply topic from its end (no consumer group: every executor sees every reply) and
 * completes the pending call whose id is the reply's key. A reply nobody waits for (late, after a
 * timeout, or meant for another executor) is logged and skipped. Partitions added to the topic
 * after the start are not followed.
 */
final class KafkaReplyListener implements AutoCloseable {

    /** Header marking a failed call; the value explains the failure. */
    static final String ERROR_HEADER = "agentrt.error";

    private static final Logger LOG = Logger.getLogger(KafkaReplyListener.class.getName());

    /** A reply: the text, and whether the tool reported a failure. */
    record Reply(String text, boolean failed) {
    }

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    KafkaReplyListener(String topic, Map<String, Object> clientConfig) {
        this.topic = topic;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().daemon().name("agentrt-kafka-replies-" + topic).start(this::run);
    }

    /** Whether the listener reads the topic, so that a reply produced from now on will be seen. */
    boolean awaitReady(long timeoutMs) throws InterruptedException {
        return ready.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The reply future of a call; a second wait for the same call id shares it. */
    CompletableFuture<Reply> expect(String callId) {
        return pending.computeIfAbsent(callId, id -> new CompletableFuture<>());
    }

    void forget(String callId, CompletableFuture<Reply> future) {
        pending.remove(callId, future);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                if (partitions.isEmpty()) {
                    LOG.warning(() -> "reply topic " + topic + " has no partitions yet; retrying");
                    Thread.sleep(1000);
                }
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end now: later replies are never missed
            ready.countDown();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    deliver(record);
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "reply listener on " + topic + " stopped; kafka tool calls will time out", e);
        } finally {
            consumer.close();
        }
    }

    private void deliver(ConsumerRecord<byte[], byte[]> record) {
        String callId = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        CompletableFuture<Reply> future = callId == null ? null : pending.remove(callId);
        if (future == null) {
            LOG.info(() -> "reply on " + topic + "-" + record.partition() + "@" + record.offset() + " for call '"
                    + callId + "' that no call of this executor waits for; skipped");
            return;
        }
        Header error = record.headers().lastHeader(ERROR_HEADER);
        String text = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        future.complete(new Reply(text, error != null));
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
