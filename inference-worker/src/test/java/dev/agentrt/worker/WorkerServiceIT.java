package dev.agentrt.worker;

import dev.agentrt.worker.testing.ScriptedHarmonyEngine;
import dev.agentrt.testkit.CommittedReader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.StopReason;
import dev.agentrt.avro.TokenDelta;
import dev.agentrt.broker.TopicCreator;
import dev.agentrt.engine.Engine;
import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.kv.KvCache;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.TinyCheckpoints;
import dev.agentrt.model.synth.SynthPreset;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.testkit.KafkaBootstrap;
import dev.agentrt.testkit.KafkaTest;
import dev.agentrt.topics.AgentrtTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker on a real broker: results with their offsets in one transaction, batching, dead letters, takeover. */
@KafkaTest
class WorkerServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final PromptBuilder PROMPTS = new PromptBuilder(HarmonyEncoding.o200kHarmony());

    @TempDir
    static Path dir;
    static Checkpoint checkpoint;

    @BeforeAll
    static void open() {
        checkpoint = Checkpoint.open(TinyCheckpoints.write(SynthPreset.TINY_FULL, CheckpointLayout.ORIGINAL, dir));
    }

    @AfterAll
    static void close() {
        checkpoint.close();
    }

    private static AgentrtTopics topics(String bootstrap) throws Exception {
        AgentrtTopics topics = AgentrtTopics.of("wk-" + UUID.randomUUID().toString().substring(0, 8) + ".", 2);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicCreator.createMissing(admin, topics.newTopics(), WAIT);
        }
        return topics;
    }

    private static WorkerService worker(String bootstrap, AgentrtTopics topics, String id, int maxBatch, Engine engine) {
        var settings = new WorkerSettings(id, topics.prefix() + "workers", new DecoderSettings(maxBatch, 1024),
            maxBatch, 64L << 20);
        return new WorkerService(settings, topics, Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            engine, PROMPTS, Clock.systemUTC()).start();
    }

    @Test
    void aRequestGivesExactlyOneResultWithItsOffsetCommittedAndDeltasInOrder(@KafkaBootstrap String bootstrap)
        throws Exception {
        AgentrtTopics topics = topics(bootstrap);
        try (var io = new Io(bootstrap);
             var results = io.reader(topics.inferenceResults(), InferenceResult.class);
             var deltas = io.reader(topics.deltas(), TokenDelta.class);
             var engine = new CpuEngine(checkpoint.weights());
             var worker = worker(bootstrap, topics, "w1", 4, engine)) {
            io.send(topics.inference(), "c1", Requests.simple("c1", 1, 6));
            InferenceResult result = results.next(WAIT);
            assertThat(result.getRequestId()).isEqualTo("c1/1");
            assertThat(result.getError()).isNull();
            assertThat(result.getStopReason()).isEqualTo(StopReason.MAX_OUTPUT_TOKENS);
            assertThat(result.getUsage().getCompletionTokens()).isEqualTo(6);
            assertThat(result.getWorkerId()).isEqualTo("w1");
            assertThat(results.drain(Duration.ofSeconds(2))).isEmpty();
            List<TokenDelta> stream = deltas.next((int) result.getUsage().getCompletionTokens(), WAIT);
            assertThat(stream).extracting(TokenDelta::getSequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, stream.size()).boxed().toList());
            assertThat(committed(bootstrap, topics)).isEqualTo(1);
        }
    }

    @Test
    void concurrentRequestsShareDecodeSteps(@KafkaBootstrap String bootstrap) throws Exception {
        AgentrtTopics topics = topics(bootstrap);
        try (var io = new Io(bootstrap);
             var results = io.reader(topics.inferenceResults(), InferenceResult.class);
             var engine = new CountingEngine(new CpuEngine(checkpoint.weights()))) {
            for (int i = 0; i < 4; i++) {
                io.send(topics.inference(), "b" + i, Requests.simple("b" + i, 1, 16));
            }
            try (var worker = worker(bootstrap, topics, "w1", 4, engine)) {
                List<InferenceResult> out = results.next(4, WAIT);
                assertThat(out).extracting(InferenceResult::getConversationId)
                    .containsExactlyInAnyOrder("b0", "b1", "b2", "b3");
                assertThat(engine.maxDecodeBatch.get()).as("sequences in one decode call").isGreaterThan(1);
                assertThat(committed(bootstrap, topics)).isEqualTo(4);
            }
        }
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndTheWorkerGoesOn(@KafkaBootstrap String bootstrap)
        throws Exception {
        AgentrtTopics topics = topics(bootstrap);
        try (var io = new Io(bootstrap);
             var results = io.reader(topics.inferenceResults(), InferenceResult.class);
             var dlq = io.reader(topics.dlq(), DeadLetter.class);
             var engine = ScriptedHarmonyEngine.inOrder(ScriptedTurnTest.completion(
                 dev.agentrt.harmony.Message.of(dev.agentrt.harmony.Role.ASSISTANT, "ok").withChannel("final")));
             var worker = worker(bootstrap, topics, "w1", 2, engine)) {
            io.sendRaw(topics.inference(), "bad", "not avro".getBytes(StandardCharsets.UTF_8));
            io.send(topics.inference(), "bad", Requests.simple("bad", 1, 20));
            DeadLetter letter = dlq.next(WAIT);
            assertThat(letter.getSourceTopic()).isEqualTo(topics.inference());
            assertThat(letter.getSourceOffset()).isZero();
            InferenceResult result = results.next(WAIT);
            assertThat(result.getError()).isNull();
            assertThat(result.getMessages()).hasSize(1);
            assertThat(committed(bootstrap, topics)).isEqualTo(2);
            assertThat(worker.deadLettered()).isEqualTo(1);
            assertThat(worker.isRunning()).isTrue();
        }
    }

    @Test
    void aWorkerStoppedMidTurnLeavesTheRequestToTheNextOwner(@KafkaBootstrap String bootstrap) throws Exception {
        AgentrtTopics topics = topics(bootstrap);
        try (var io = new Io(bootstrap);
             var results = io.reader(topics.inferenceResults(), InferenceResult.class);
             var engine = new CpuEngine(checkpoint.weights())) {
            var hanging = new HangingEngine(engine);
            var first = worker(bootstrap, topics, "first", 2, hanging);
            io.send(topics.inference(), "k1", Requests.simple("k1", 1, 6));
            assertThat(hanging.decoding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("turn started").isTrue();
            first.close(); // mid-turn: nothing finished, nothing committed
            assertThat(first.committedResults()).isZero();
            assertThat(committed(bootstrap, topics)).isZero();

            try (var second = worker(bootstrap, topics, "second", 2, engine)) {
                InferenceResult result = results.next(WAIT);
                assertThat(result.getRequestId()).isEqualTo("k1/1");
                assertThat(result.getWorkerId()).isEqualTo("second");
                assertThat(results.drain(Duration.ofSeconds(2))).as("exactly one result").isEmpty();
                assertThat(committed(bootstrap, topics)).isEqualTo(1);
            }
        }
    }

    /**
     * Requests written in transactions (as the orchestrator writes them) leave a commit marker after each record.
     * Moving the committed offset over a marker is not worth a transaction of its own: each result's transaction
     * carries it. (An offsets-only transaction right before a result's made the result wait out a
     * CONCURRENT_TRANSACTIONS retry.)
     */
    @Test
    void requestsWrittenInTransactionsCostOneTransactionPerResult(@KafkaBootstrap String bootstrap) throws Exception {
        AgentrtTopics topics = topics(bootstrap);
        var producerConfig = Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, topics.prefix() + "test-orchestrator");
        var engine = ScriptedHarmonyEngine.inOrder(dev.agentrt.worker.testing.HarmonyCompletions.completion(
                dev.agentrt.worker.testing.HarmonyCompletions.answer("one")),
            dev.agentrt.worker.testing.HarmonyCompletions.completion(
                dev.agentrt.worker.testing.HarmonyCompletions.answer("two")),
            dev.agentrt.worker.testing.HarmonyCompletions.completion(
                dev.agentrt.worker.testing.HarmonyCompletions.answer("three")));
        try (var producer = new KafkaProducer<>(producerConfig, new org.apache.kafka.common.serialization.StringSerializer(),
                 new ByteArraySerializer());
             var io = new Io(bootstrap);
             var results = io.reader(topics.inferenceResults(), InferenceResult.class);
             var worker = worker(bootstrap, topics, "tx", 4, engine)) {
            producer.initTransactions();
            for (int turn = 1; turn <= 3; turn++) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topics.inference(), "t1", AgentrtSerdes.inferenceRequest().serializer()
                    .serialize(topics.inference(), Requests.simple("t1", turn, 8))));
                producer.commitTransaction();
                InferenceResult result = results.next(WAIT);
                assertThat(result.getTurn()).isEqualTo(turn);
                assertThat(result.getError()).isNull();
            }
            assertThat(results.drain(Duration.ofSeconds(1))).isEmpty();
            assertThat(worker.transactions()).as("transactions for 3 results").isEqualTo(3);
            // Records at 0, 2, 4 (markers after each): the last result's transaction committed past record 4.
            assertThat(committed(bootstrap, topics)).isGreaterThanOrEqualTo(5);
        }
    }

    /** Sum of the committed offsets of the worker group on the inference topic (0 when none). */
    private static long committed(String bootstrap, AgentrtTopics topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(topics.prefix() + "workers")
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    /** TEST ONLY: blocks in decode until interrupted, like a worker killed in the middle of a turn. */
    static final class HangingEngine implements Engine {
        final Engine engine;
        final CountDownLatch decoding = new CountDownLatch(1);

        HangingEngine(Engine engine) {
            this.engine = engine;
        }

        @Override public GptOssConfig config() { return engine.config(); }
        @Override public KvCache newCache(int maxContext) { return engine.newCache(maxContext); }
        @Override public void prefill(KvCache c, int[] t, float[] l) { engine.prefill(c, t, l); }
        @Override public void prefillAll(KvCache c, int[] t, float[][] l) { engine.prefillAll(c, t, l); }

        @Override
        public void decode(KvCache[] caches, int[] tokens, float[][] logits) {
            decoding.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted in decode", e);
            }
        }

        @Override public void close() {}
    }

    /** Sends requests and reads topics in read_committed mode. */
    static final class Io implements AutoCloseable {
        private final String bootstrap;
        private final KafkaProducer<String, byte[]> producer;

        Io(String bootstrap) {
            this.bootstrap = bootstrap;
            this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new org.apache.kafka.common.serialization.StringSerializer(),
                new ByteArraySerializer());
        }

        void send(String topic, String key, InferenceRequest value) throws Exception {
            producer.send(new ProducerRecord<>(topic, key,
                AgentrtSerdes.inferenceRequest().serializer().serialize(topic, value))).get();
        }

        void sendRaw(String topic, String key, byte[] value) throws Exception {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }

        <T extends SpecificRecord> CommittedReader<T> reader(String topic, Class<T> type) {
            return CommittedReader.of(bootstrap, topic, type);
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
