package dev.agentrt.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerCommandTest {

    private static final Pattern BOOTSTRAP_LINE = Pattern.compile("bootstrap: 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void startsABrokerWithTheAgentrtTopicsAndStopsOnRequest() throws Exception {
        BrokerCommand command = new BrokerCommand();
        LineCapture out = new LineCapture();
        CommandLine cli = new CommandLine(command).setOut(new PrintWriter(out, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> cli.execute("--port", "0", "--ephemeral", "--partitions", "2", "--prefix", "clitest."));

        String first = out.next(Duration.ofSeconds(120));
        Matcher bootstrapLine = BOOTSTRAP_LINE.matcher(first);
        assertThat(bootstrapLine.matches()).as("first line '%s'", first).isTrue();
        assertThat(Integer.parseInt(bootstrapLine.group(1))).isNotZero().isNotEqualTo(9092);
        String bootstrap = first.substring("bootstrap: ".length());
        assertThat(out.next(Duration.ofSeconds(5))).contains("Ctrl-C").contains("clitest.").contains("deleted on exit");

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(
                    "clitest.requests", "clitest.inference", "clitest.inference-results", "clitest.tool-calls",
                    "clitest.tool-results", "clitest.responses", "clitest.transcript", "clitest.deltas", "clitest.dlq"))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics.values()).hasSize(9).allSatisfy(d -> assertThat(d.partitions()).hasSize(2));
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("clitest.requests", "conversation-1", "hello broker")).get(30, TimeUnit.SECONDS);
        }
        assertThat(readOne(bootstrap, "clitest.requests")).isEqualTo("hello broker");

        command.stop();

        assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(command.awaitStopped(1, TimeUnit.SECONDS)).isTrue();
        assertThat(out.next(Duration.ofSeconds(5))).isEqualTo("agentrt broker stopped");
        assertThat(out.all()).filteredOn(line -> line.startsWith("bootstrap:")).hasSize(1);
    }

    @Test
    void dataAndEphemeralTogetherAreAUsageError() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new BrokerCommand()).setErr(new PrintWriter(err))
                .execute("--port", "0", "--ephemeral", "--data", tmp.resolve("kafka").toString());

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--data and --ephemeral cannot be used together");
        assertThat(Files.exists(tmp.resolve("kafka"))).isFalse();
    }

    @Test
    void badPartitionsPrefixOrPortAreUsageErrors() {
        assertUsageError(List.of("--ephemeral", "--partitions", "0"), "partitions must be at least 1");
        assertUsageError(List.of("--ephemeral", "--prefix", "bad prefix/"), "bad prefix/");
        assertUsageError(List.of("--ephemeral", "--port", "70000"), "between 0 and 65535");
    }

    private static void assertUsageError(List<String> args, String message) {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new BrokerCommand()).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
        assertThat(exit).as("exit code of %s", args).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains(message);
    }

    private static String readOne(String bootstrap, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "broker-command-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    return record.value();
                }
            }
        }
        throw new AssertionError("no record arrived on " + topic);
    }

    /** Collects what the command prints, line by line, so the test can wait for each line. */
    private static final class LineCapture extends Writer {
        private final StringBuilder partial = new StringBuilder();
        private final LinkedBlockingQueue<String> unread = new LinkedBlockingQueue<>();
        private final List<String> all = new ArrayList<>();

        @Override
        public synchronized void write(char[] chars, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                char c = chars[i];
                if (c == '\n') {
                    String line = partial.toString();
                    partial.setLength(0);
                    all.add(line);
                    unread.add(line);
                } else if (c != '\r') {
                    partial.append(c);
                }
            }
        }

        String next(Duration timeout) throws InterruptedException {
            String line = unread.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("no output line within " + timeout + "; so far: " + all());
            }
            return line;
        }

        synchronized List<String> all() {
            return List.copyOf(all);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
