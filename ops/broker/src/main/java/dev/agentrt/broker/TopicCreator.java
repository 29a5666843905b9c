package dev.agentrt.broker;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates topics that do not exist yet and waits until the broker serves their metadata, so that a producer or
 * consumer started right after sees every partition. Works against any cluster reachable through an {@link Admin}.
 */
public final class TopicCreator {

    private TopicCreator() {
    }

    /**
     * Creates each topic that does not exist yet; existing topics are left unchanged (their partition count may
     * differ from the requested one).
     *
     * @return the names of the topics created by this call
     */
    public static Set<String> createMissing(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        if (topics.isEmpty()) {
            return Set.of();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, KafkaFuture<Void>> results = admin.createTopics(List.copyOf(topics)).values();
        Set<String> created = new LinkedHashSet<>();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                result.getValue().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                created.add(result.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("creating topic " + result.getKey() + " failed: "
                            + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("creating topic " + result.getKey() + " did not finish within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + result.getKey(), e);
            }
        }
        awaitVisible(admin, results.keySet(), deadline, timeout);
        return created;
    }

    /** The controller has committed the topics; wait until the broker's metadata cache shows all partitions too. */
    private static void awaitVisible(Admin admin, Set<String> names, long deadline, Duration timeout) {
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                        .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                boolean allLed = described.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (allLed) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("describing topics " + names + " failed: " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("topics " + names + " were not visible within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics " + names, e);
            }
            if (remainingMillis(deadline) <= 0) {
                throw new IllegalStateException("topics " + names + " have no partition leader after " + timeout);
            }
            sleepBriefly();
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for topic metadata", e);
        }
    }
}
