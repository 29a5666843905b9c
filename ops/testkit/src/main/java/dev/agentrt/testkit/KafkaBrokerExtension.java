package dev.agentrt.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Gives a test class the JVM-wide shared broker of the chosen backend (see {@link KafkaTest}). The broker is
 * started before the class's first test so a start failure is reported once, on the class, and is stopped when
 * the whole test run ends, not after each class.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        // @KafkaBackendsTest methods get their broker per invocation from KafkaBackendsInvocations.
        if (AnnotationSupport.isAnnotated(parameterContext.getDeclaringExecutable(), KafkaBackendsTest.class)) {
            return false;
        }
        return BackendParameters.supports(parameterContext);
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        KafkaBackend backend = KafkaBackendSettings.chooseBackend(extensionContext);
        return BackendParameters.resolve(parameterContext, backend, () -> SharedKafka.get(extensionContext, backend));
    }

    private static RunningKafka broker(ExtensionContext context) {
        return SharedKafka.get(context, KafkaBackendSettings.chooseBackend(context));
    }
}
