/**
 * A single-node Apache Kafka (KRaft) broker that runs inside the JVM for development and tests
 * ({@link dev.agentrt.broker.EmbeddedKafkaBroker}), and the agentrt topic layout it creates
 * ({@link dev.agentrt.topics.AgentrtTopics}). Not for production use.
 */
package dev.agentrt.broker;
