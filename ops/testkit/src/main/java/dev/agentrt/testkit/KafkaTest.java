package dev.agentrt.testkit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class that talks to a real Kafka broker, shared by every such class in the JVM. The broker is a
 * Testcontainers Kafka when a Docker engine is reachable, otherwise the in-JVM embedded broker;
 * {@code -Dkafka.backend=docker|embedded} forces one. Parameters annotated {@link KafkaBootstrap} receive the
 * bootstrap address.
 *
 * <pre>{@code
 * @KafkaTest
 * class OrdersIT {
 *     @Test
 *     void roundTrip(@KafkaBootstrap String bootstrap) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KafkaBrokerExtension.class)
public @interface KafkaTest {
}
