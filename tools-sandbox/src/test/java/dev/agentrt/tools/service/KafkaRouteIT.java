package dev.agentrt.tools.service;

import static dev.agentrt.tools.service.KafkaIo.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.broker.TopicCreator;
import dev.agentrt.testkit.KafkaBootstrap;
import dev.agentrt.testkit.KafkaTest;
import dev.agentrt.tools.HttpSettings;
import dev.agentrt.tools.KafkaRouteSettings;
import dev.agentrt.tools.PythonToolSettings;
import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.ToolRoute;
import dev.agentrt.tools.ToolStatus;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.tools.sandbox.CgroupMode;
import dev.agentrt.tools.sandbox.ProbeFacts;
import dev.agentrt.tools.sandbox.SandboxConfig;
import dev.agentrt.tools.sandbox.SandboxRuntime;
import dev.agentrt.tools.sandbox.Tier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** kafka routes on a real broker, with a tiny responder service played by a thread of this test. */
@KafkaTest
class KafkaRouteIT {

    /** Answers "echo ARGS" keyed by the request's key; "fail" in the arguments answers an error reply. */
    static final class Responder implements AutoCloseable {
        final ConcurrentLinkedQueue<ConsumerRecord<byte[], byte[]>> requests = new ConcurrentLinkedQueue<>();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;

        Responder(String bootstrap, String requestTopic, String replyTopic) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "responder-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new ByteArraySerializer(), new ByteArraySerializer());
            consumer.subscribe(List.of(requestTopic));
            thread = Thread.ofPlatform().name("responder").start(() -> {
                try {
                    while (true) {
                        for (var request : consumer.poll(Duration.ofMillis(100))) {
                            requests.add(request);
                            String args = new String(request.value(), StandardCharsets.UTF_8);
                            var reply = new ProducerRecord<>(replyTopic, request.key(),
                                    ("echo " + args).getBytes(StandardCharsets.UTF_8));
                            if (args.contains("fail")) {
                                reply.headers().add(KafkaRoute.ERROR_HEADER, new byte[0]);
                            }
                            producer.send(reply);
                        }
                    }
                } catch (WakeupException e) {
                    // closed
                } finally {
                    consumer.close();
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            consumer.wakeup();
            thread.join(10_000);
            producer.close();
        }
    }

    @Test
    void aKafkaToolIsCalledByRequestAndReplyKeyedByTheCallId(@KafkaBootstrap String bootstrap) throws Exception {
        String prefix = "route-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        String requests = prefix + "requests";
        String replies = prefix + "replies";
        String silentRequests = prefix + "silent-requests";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicCreator.createMissing(admin, List.of(new NewTopic(requests, 2, (short) 1),
                    new NewTopic(replies, 2, (short) 1), new NewTopic(silentRequests, 1, (short) 1)), WAIT);
        }
        Map<String, ToolRoute> tools = Map.of(
                "functions.lookup", new KafkaRouteSettings("kafka", requests, replies, 20_000L, null, null),
                "functions.silent", new KafkaRouteSettings("kafka", silentRequests, replies, 500L, null, null));
        RoutesConfig routes = new RoutesConfig(PythonToolSettings.defaults(), HttpSettings.none(), tools);
        ProbeFacts off = new ProbeFacts(true, false, CgroupMode.NONE, 0, true, "forced off: no code in this test");
        try (var sandbox = SandboxRuntime.start(SandboxConfig.defaults("test-kroute").withUidBase(62700).withSlots(1)
                     .withMinimumTier(Tier.C), (cfg, helper) -> off);
             var remotes = RemoteTools.open(routes, Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             var responder = new Responder(bootstrap, requests, replies)) {
            var executor = new ToolExecutor(sandbox, routes, Map.of(), BuiltinTools.standard(Clock.systemUTC()),
                    remotes.byName());

            ToolResult ok = executor.execute(new ToolCall("conv/1/1", "functions.lookup", "{\"order\": 17}"));
            assertThat(ok.status()).isEqualTo(ToolStatus.OK);
            assertThat(ok.output()).isEqualTo("echo {\"order\":17}");
            assertThat(ok.tier()).isEqualTo("REMOTE");
            var request = responder.requests.peek();
            assertThat(new String(request.key(), StandardCharsets.UTF_8)).isEqualTo("conv/1/1");
            assertThat(new String(request.headers().lastHeader(KafkaRoute.TOOL_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo("functions.lookup");

            ToolResult failed = executor.execute(new ToolCall("conv/1/2", "functions.lookup", "{\"op\": \"fail\"}"));
            assertThat(failed.status()).isEqualTo(ToolStatus.ERROR);
            assertThat(failed.error()).contains("the tool reported a failure").contains("fail");

            ToolResult bad = executor.execute(new ToolCall("conv/1/3", "functions.lookup", "[1]"));
            assertThat(bad.status()).isEqualTo(ToolStatus.BAD_ARGUMENTS);
            assertThat(responder.requests).as("no request for bad arguments").hasSize(2);

            long start = System.nanoTime();
            ToolResult timeout = executor.execute(new ToolCall("conv/1/4", "functions.silent", "{}"));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(timeout.status()).isEqualTo(ToolStatus.TIMEOUT);
            assertThat(timeout.error()).contains("no reply on " + replies + " within 500 ms");
            // The wait is bounded by the route timeout; millisecond rounding of the remaining time can end it a hair early.
            assertThat(elapsedMs).isBetween(450L, 2000L);
        }
    }
}
