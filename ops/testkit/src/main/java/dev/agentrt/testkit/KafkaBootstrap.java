package dev.agentrt.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} parameter of a test, lifecycle method or constructor that receives the broker's
 * {@code bootstrap.servers} value. Works in {@link KafkaTest} classes and in {@link KafkaBackendsTest} methods.
 */
@Documented
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface KafkaBootstrap {
}
