package dev.agentrt.testkit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Expands a {@link KafkaBackendsTest} method into one invocation per backend. */
public final class KafkaBackendsInvocations implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().filter(m -> AnnotationSupport.isAnnotated(m, KafkaBackendsTest.class)).isPresent();
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return Arrays.stream(KafkaBackend.values()).map(BackendInvocation::new);
    }

    private record BackendInvocation(KafkaBackend backend) implements TestTemplateInvocationContext {

        @Override
        public String getDisplayName(int invocationIndex) {
            return "[" + backend.id() + "]";
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new BackendInvocationExtension(backend));
        }
    }

    /** Skips the invocation when its backend cannot or should not run, and injects that backend's broker. */
    private record BackendInvocationExtension(KafkaBackend backend) implements ExecutionCondition, ParameterResolver {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<KafkaBackend> forced = KafkaBackendSettings.forcedBackend(context);
            if (forced.isPresent() && forced.get() != backend) {
                return ConditionEvaluationResult.disabled(KafkaBackendSettings.BACKEND_PROPERTY + "="
                        + forced.get().id() + " forces the " + forced.get().id() + " backend; skipping " + backend.id());
            }
            if (backend == KafkaBackend.DOCKER && !DockerEngine.isAvailable()) {
                return ConditionEvaluationResult.disabled("no Docker engine is reachable; skipping the docker Kafka backend");
            }
            return ConditionEvaluationResult.enabled("Kafka backend " + backend.id() + " is available");
        }

        @Override
        public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
            return BackendParameters.supports(parameterContext);
        }

        @Override
        public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
            return BackendParameters.resolve(parameterContext, backend, () -> SharedKafka.get(extensionContext, backend));
        }
    }
}
