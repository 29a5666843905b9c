package dev.agentrt.testkit;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test method once per {@link KafkaBackend}: on the embedded broker and on a Testcontainers Kafka. An
 * invocation whose backend cannot run is reported as skipped, never failed: the docker one when no Docker engine is
 * reachable, and the other one when {@code -Dkafka.backend=} forces a backend. The method may take
 * {@code @KafkaBootstrap String}, {@link RunningKafka} or {@link KafkaBackend} parameters; brokers are the same
 * JVM-wide shared ones {@link KafkaTest} uses.
 */
@Documented
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(KafkaBackendsInvocations.class)
public @interface KafkaBackendsTest {
}
