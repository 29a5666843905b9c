package dev.agentrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.Author;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.InferenceTimings;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.StopReason;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.Usage;
import dev.agentrt.broker.TopicCreator;
import dev.agentrt.orchestrator.Orchestrator;
import dev.agentrt.orchestrator.OrchestratorConfig;
import dev.agentrt.orchestrator.OrchestratorSettings;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.testkit.KafkaBootstrap;
import dev.agentrt.testkit.KafkaTest;
import dev.agentrt.topics.AgentrtTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code agentrt submit --wait} and {@code agentrt watch} against a real broker and orchestrator; the test answers as the worker. */
@KafkaTest
class SubmitAndWatchIT {

    @TempDir Path tmp;

    @Test
    void submitWaitsForTheFinalAnswerAndWatchReplaysTheConversation(@KafkaBootstrap String bootstrap) throws Exception {
        AgentrtTopics topics = AgentrtTopics.of("cli-" + UUID.randomUUID().toString().substring(0, 8) + ".", 1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicCreator.createMissing(admin, topics.newTopics(), Duration.ofSeconds(30));
        }
        Path config = tmp.resolve("client.properties");
        Files.writeString(config, "agentrt.topic.prefix=" + topics.prefix() + "\n");
        var props = OrchestratorConfig.streamsProperties(bootstrap, tmp.resolve("state"),
            Map.of(StreamsConfig.APPLICATION_ID_CONFIG, topics.prefix() + "orch"));
        try (var orchestrator = new Orchestrator(topics, OrchestratorSettings.DEFAULTS, props, Clock.systemUTC()).start()) {
            assertThat(orchestrator.awaitRunning(Duration.ofSeconds(60))).isTrue();
            CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> answerOneTurn(bootstrap, topics));

            var out = new StringWriter();
            var submit = new CommandLine(new SubmitCommand());
            submit.setOut(new PrintWriter(out, true));
            submit.setErr(new PrintWriter(out, true));
            int exit = submit.execute("--bootstrap", bootstrap, "--config", config.toString(), "--wait",
                "--timeout", "PT60S", "What is 6 times 7?");
            assertThat(exit).as(out.toString()).isZero();
            worker.get(10, TimeUnit.SECONDS);
            assertThat(out.toString()).contains("submitted conv-").contains("user").contains("What is 6 times 7?")
                .contains("final answer: 42.").contains("turns 1");

            String id = out.toString().lines().filter(l -> l.startsWith("submitted ")).findFirst().orElseThrow()
                .substring("submitted ".length());
            var watched = new StringWriter();
            var watch = new CommandLine(new WatchCommand());
            watch.setOut(new PrintWriter(watched, true));
            assertThat(watch.execute("--bootstrap", bootstrap, "--config", config.toString(), id)).isZero();
            assertThat(watched.toString()).contains("watching " + id).contains("(final)").contains("final answer: 42.");
        }
    }

    /** Reads one inference request and answers it with a final message, as a worker would. */
    private static void answerOneTurn(String bootstrap, AgentrtTopics topics) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "fake-worker",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), AgentrtSerdes.inferenceRequest().deserializer());
             var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), AgentrtSerdes.inferenceResult().serializer())) {
            consumer.subscribe(List.of(topics.inference()));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < end) {
                for (var r : consumer.poll(Duration.ofMillis(100))) {
                    InferenceRequest req = r.value();
                    var answer = HarmonyMessage.newBuilder().setAuthor(new Author(Role.ASSISTANT, null)).setChannel("final")
                        .setContent(List.of(new TextContent("42."))).build();
                    var result = InferenceResult.newBuilder().setRequestId(req.getRequestId())
                        .setConversationId(req.getConversationId()).setTurn(req.getTurn()).setMessages(List.of(answer))
                        .setStopReason(StopReason.RETURN).setUsage(new Usage(50L, 0L, 3L))
                        .setTimings(new InferenceTimings(0L, 1L, 1L, 1L, 2L)).setWorkerId("fake")
                        .setCompletedAt(Instant.now()).build();
                    producer.send(new ProducerRecord<>(topics.inferenceResults(), req.getConversationId(), result)).get();
                    return;
                }
            }
            throw new AssertionError("no inference request arrived");
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
