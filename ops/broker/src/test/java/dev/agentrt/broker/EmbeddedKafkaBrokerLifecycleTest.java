package dev.agentrt.broker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaBrokerLifecycleTest {

    @TempDir
    Path tmp;

    @Test
    void temporaryDataDirectoryIsDeletedOnCloseAndCloseIsIdempotent() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        Path dataDir = broker.dataDirectory();
        assertThat(broker.isDataDirectoryTemporary()).isTrue();
        assertThat(dataDir.resolve(DataDirectory.META_PROPERTIES)).isRegularFile();
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
        assertThat(broker.port()).isPositive();
        assertThat(broker.isRunning()).isTrue();

        broker.close();
        broker.close();

        assertThat(broker.isRunning()).isFalse();
        assertThat(dataDir).doesNotExist();
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> broker.createTopics(dev.agentrt.topics.AgentrtTopics.defaults()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
    }

    @Test
    void closingABrokerThatNeverStartedIsHarmless() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
        broker.close();
        assertThatThrownBy(broker::bootstrapServers).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not been started");
    }

    @Test
    void aPortInUseIsReportedClearly() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(taken.getLocalPort()).build();
            assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + taken.getLocalPort()).hasMessageContaining("not available");
        }
    }

    @Test
    void aNonEmptyForeignDirectoryIsNotFormatted() throws IOException {
        Path foreign = Files.createDirectories(tmp.resolve("my-documents"));
        Files.writeString(foreign.resolve("notes.txt"), "keep me");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(foreign).build();

        assertThatThrownBy(broker::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not empty").hasMessageContaining(foreign.toString());
        assertThat(foreign.resolve("notes.txt")).hasContent("keep me");
        assertThat(foreign.resolve(DataDirectory.META_PROPERTIES)).doesNotExist();
    }

    @Test
    void aDataDirectoryInUseByARunningBrokerIsRefused() {
        Path dataDir = tmp.resolve("shared-data");
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDirectory(dataDir).build();
             EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDirectory(dataDir).build()) {
            first.start();
            assertThatThrownBy(second::start).hasMessageContaining(dataDir.toString()).hasMessageContaining("lock");
            assertThat(first.isRunning()).isTrue();
            assertThat(dataDir.resolve(DataDirectory.META_PROPERTIES)).isRegularFile();
        }
    }

    @Test
    void builderRejectsBadSettings() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(70_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerProperty("listeners", "PLAINTEXT://0.0.0.0:9092"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listeners");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().startTimeout(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
