package dev.agentrt.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs {@link SampleBackends} in a nested JUnit engine and checks how each backend invocation is reported. The sample
 * method only takes a {@link KafkaBackend}, so no broker is started.
 */
class KafkaBackendsSkipTest {

    /** Marks the nested engine runs, so that the sample is skipped when a surefire -Dtest pattern selects it. */
    private static final String SAMPLE_RUN = "agentrt.testkit.sample-run";

    @ExtendWith(OnlyInNestedRun.class)
    static class SampleBackends {
        @KafkaBackendsTest
        void perBackend(KafkaBackend backend) {
            assertThat(backend).isNotNull();
        }
    }

    static class OnlyInNestedRun implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(SAMPLE_RUN, Boolean::parseBoolean).orElse(false)
                    ? ConditionEvaluationResult.enabled("run by KafkaBackendsSkipTest")
                    : ConditionEvaluationResult.disabled("sample class, run only by KafkaBackendsSkipTest");
        }
    }

    @Test
    void withoutDockerTheDockerInvocationIsSkippedNotFailed() {
        assumeFalse(DockerEngine.isAvailable(), "a Docker engine is reachable here, so the docker invocation runs");

        Events tests = run("");

        tests.assertStatistics(stats -> stats.started(1).succeeded(1).skipped(1).failed(0));
        assertThat(displayNames(tests.succeeded())).containsExactly("[embedded]");
        assertThat(tests.skipped().stream()).singleElement().satisfies(event -> {
            assertThat(event.getTestDescriptor().getDisplayName()).isEqualTo("[docker]");
            assertThat(skipReason(event)).contains("no Docker engine");
        });
    }

    @Test
    void withDockerBothInvocationsRun() {
        assumeFalse(!DockerEngine.isAvailable(), "no Docker engine is reachable here");

        run("").assertStatistics(stats -> stats.started(2).succeeded(2).skipped(0).failed(0));
    }

    @Test
    void forcingTheEmbeddedBackendSkipsDocker() {
        Events tests = run("embedded");

        tests.assertStatistics(stats -> stats.succeeded(1).skipped(1).failed(0));
        assertThat(displayNames(tests.succeeded())).containsExactly("[embedded]");
        assertThat(tests.skipped().stream()).singleElement()
                .satisfies(event -> assertThat(skipReason(event)).contains("kafka.backend=embedded forces"));
    }

    @Test
    void forcingTheDockerBackendSkipsEmbedded() {
        Events tests = run("docker");

        tests.assertStatistics(stats -> stats.failed(0).skipped(DockerEngine.isAvailable() ? 1 : 2));
        assertThat(tests.skipped().stream().filter(e -> e.getTestDescriptor().getDisplayName().equals("[embedded]")))
                .singleElement().satisfies(event -> assertThat(skipReason(event)).contains("kafka.backend=docker forces"));
    }

    @Test
    void anUnknownBackendFailsWithAClearMessage() {
        Events tests = run("podman");

        tests.assertStatistics(stats -> stats.failed(2).succeeded(0));
        assertThat(tests.failed().stream()).allSatisfy(event -> assertThat(
                event.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable())
                .get().asString().contains("unknown kafka.backend 'podman'"));
    }

    /** Runs the sample with {@code kafka.backend} set to {@code backend} ("" = not forced, overriding any -D). */
    private static Events run(String backend) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(KafkaBackendSettings.BACKEND_PROPERTY, backend)
                .configurationParameter(SAMPLE_RUN, "true")
                .selectors(selectClass(SampleBackends.class))
                .execute()
                .testEvents();
    }

    private static List<String> displayNames(Events events) {
        return events.stream().map(e -> e.getTestDescriptor().getDisplayName()).toList();
    }

    private static String skipReason(Event event) {
        return event.getPayload(String.class).orElse("");
    }
}
