package dev.agentrt.testkit;

import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

import java.util.function.Supplier;

/** The parameters the testkit injects: {@code @KafkaBootstrap String}, {@link RunningKafka} and {@link KafkaBackend}. */
final class BackendParameters {

    private BackendParameters() {
    }

    static boolean supports(ParameterContext parameter) {
        Class<?> type = parameter.getParameter().getType();
        if (parameter.isAnnotated(KafkaBootstrap.class)) {
            if (type != String.class) {
                throw new ParameterResolutionException("@KafkaBootstrap parameter '" + parameter.getParameter().getName()
                        + "' must be a String, not " + type.getName());
            }
            return true;
        }
        return type == RunningKafka.class || type == KafkaBackend.class;
    }

    /** Starts (or reuses) the broker only when the parameter needs it: a {@link KafkaBackend} does not. */
    static Object resolve(ParameterContext parameter, KafkaBackend backend, Supplier<RunningKafka> broker) {
        Class<?> type = parameter.getParameter().getType();
        if (type == KafkaBackend.class) {
            return backend;
        }
        if (type == RunningKafka.class) {
            return broker.get();
        }
        return broker.get().bootstrapServers();
    }
}
