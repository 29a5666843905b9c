/**
 * JUnit 5 support for tests that need a real Kafka broker.
 *
 * <ul>
 *   <li>{@link dev.agentrt.testkit.KafkaTest} on a class: one broker for the whole test JVM, a Testcontainers Kafka
 *       when a Docker engine is reachable, else the in-JVM embedded broker. Inject it with
 *       {@code @KafkaBootstrap String bootstrap}, {@link dev.agentrt.testkit.RunningKafka} or
 *       {@link dev.agentrt.testkit.KafkaBackend}.</li>
 *   <li>{@link dev.agentrt.testkit.KafkaBackendsTest} on a method: runs it once per backend; a backend that cannot
 *       run here is reported as skipped.</li>
 * </ul>
 *
 * <p>Switches (system properties or JUnit configuration parameters): {@code kafka.backend=docker|embedded} forces a
 * backend; {@code agentrt.kafka.image} sets the Docker image (default {@code apache/kafka-native:4.1.0}).
 */
package dev.agentrt.testkit;
