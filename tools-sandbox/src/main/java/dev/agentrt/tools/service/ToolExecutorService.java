package dev.agentrt.tools.service;

import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.DeadLetterReason;
import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.serde.DeadLetters;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.ToolStatus;
import dev.agentrt.topics.AgentrtTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The tool executor service: consumes {@code tool-calls}, runs each call through the
 * {@link ToolExecutor} on a bounded worker pool, and produces a {@code ToolResult} per call.
 *
 * <p>One consumer thread owns the consumer and a transactional producer. A poll takes up to
 * {@code workers + maxQueued} calls at once; they run on {@code workers} threads (the sandbox's slot
 * count), the rest wait in offset order. When that many calls are in flight, every partition is
 * paused and the thread keeps polling, so a slow tool never stretches the poll interval. A finished
 * call wakes the thread, and its result is produced in the next short transaction (transactions
 * never stay open during a tool run), together with the results of every other call finished by
 * then and the consumer offsets of each partition's contiguous prefix of finished records
 * ({@code sendOffsetsToTransaction}): an offset is committed only with, or after, the results of
 * every call before it. So one transaction carries a whole batch under load and a single result
 * when the executor is idle.
 *
 * <p>Idempotency: a bounded LRU remembers completed call ids with their results; a redelivered
 * call (same call id) re-emits the stored result instead of running again, and a duplicate that
 * arrives while the first is running gets the same result when it finishes. The residual case: if
 * the executor dies (or loses the partition) after a call ran but before its offset committed, the
 * next owner runs it again, since the LRU lives in memory. A side-effecting tool must therefore
 * dedupe on the call id, which every route passes along (http: {@code Idempotency-Key}; kafka:
 * the record key). The orchestrator ignores duplicate results.
 *
 * <p>Undecodable records (and tombstones, and calls without ids) go to {@code dlq} via
 * {@link DeadLetters}; their offset counts as done.
 */
public final class ToolExecutorService implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ToolExecutorService.class.getName());

    /** Counters for operators and tests. */
    public record Stats(long executed, long reemitted, long deadLettered, long transactions) {
    }

    private record Completion(String callId, ToolResult result) {
    }

    /**
     * A call queued for or running on a worker, and the records (the first and any duplicates) waiting for its
     * result. Whoever claims it first runs it (a worker) or drops it before it started (the consumer thread, when
     * its records left this executor or the executor closes).
     */
    private static final class Running {
        final List<TrackedRecord> waiting = new ArrayList<>();
        final AtomicBoolean claimed = new AtomicBoolean();
    }

    private final ToolExecutor executor;
    private final AgentrtTopics topics;
    private final ExecutorServiceSettings settings;
    private final Map<String, Object> clientConfig;
    private final Clock clock;
    private final ToolCallMapper mapper;
    private final ExecutorService workers;
    private final Deserializer<ToolCall> callDeserializer = AgentrtSerdes.toolCall().deserializer();
    private final Serializer<ToolResult> resultSerializer = AgentrtSerdes.toolResult().serializer();
    private final Serializer<DeadLetter> letterSerializer = AgentrtSerdes.deadLetter().serializer();

    // Consumer thread only.
    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    private final Map<String, Running> running = new HashMap<>();
    private final CompletedCalls completed;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;

    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    /** A wakeup was sent and the consumer thread has not collected completions since: no need for another. */
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong executed = new AtomicLong();
    private final AtomicLong reemitted = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private volatile boolean stopping;
    private volatile Throwable failure;
    private Thread thread;

    /**
     * {@code clientConfig}: bootstrap servers and standard Kafka client settings (SASL, TLS, and
     * optionally {@code group.id}); the settings this service depends on (isolation level, manual
     * commits, transactions, serializers) are set here and override the caller's.
     */
    public ToolExecutorService(ToolExecutor executor, AgentrtTopics topics, ExecutorServiceSettings settings,
                               Map<String, Object> clientConfig, Clock clock) {
        this.executor = executor;
        this.topics = topics;
        this.settings = settings;
        this.clientConfig = Map.copyOf(clientConfig);
        this.clock = clock;
        this.mapper = new ToolCallMapper(settings.executorId());
        this.completed = new CompletedCalls(settings.completedCalls());
        this.workers = Executors.newFixedThreadPool(settings.workers(),
                Thread.ofPlatform().name("agentrt-tool-worker-", 0).factory());
    }

    /** Starts the consumer thread; returns at once. */
    public synchronized ToolExecutorService start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        consumer = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        producer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
        thread = Thread.ofPlatform().name("agentrt-tool-executor-" + settings.executorId()).start(this::run);
        return this;
    }

    /** Whether partitions were assigned within the timeout (the service is consuming). */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Blocks until the service stops (close, or a fatal error). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Whether the service stopped (close, or a fatal error) within the timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The error that stopped the service, or null. */
    public Throwable failure() {
        return failure;
    }

    public Stats stats() {
        return new Stats(executed.get(), reemitted.get(), deadLettered.get(), transactions.get());
    }

    Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, topics.prefix() + "tool-executor");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "agentrt-tools-" + settings.executorId());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A call produced before the first executor started must still be answered.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.capacity());
        return config;
    }

    Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "agentrt-tools-" + settings.executorId() + "-results");
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topics.prefix() + "tool-executor-" + settings.executorId());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // A transaction that starts while the previous one's markers are still being written is answered
        // CONCURRENT_TRANSACTIONS and retried after this backoff; the 100 ms default showed up as 100 ms hops.
        config.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10L);
        return config;
    }

    private void run() {
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(topics.toolCalls()), new Rebalance());
            while (!stopping) {
                step();
            }
            drainRunning();
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.log(Level.SEVERE, "tool executor " + settings.executorId() + " stopped on an error", e);
        } finally {
            workers.shutdownNow();
            closeClients();
            Stats s = stats();
            LOG.info(() -> "tool executor " + settings.executorId() + " stopped: " + s);
            stopped.countDown();
        }
    }

    private void step() {
        for (ConsumerRecord<byte[], byte[]> record : poll()) {
            accept(record);
        }
        collectCompletions();
        commit();
        applyBackpressure();
    }

    /** {@code committed()} also throws on a pending wakeup from a finished call: then it is simply asked again. */
    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(java.util.Set<TopicPartition> partitions) {
        while (true) {
            try {
                return consumer.committed(partitions);
            } catch (WakeupException woken) {
                // ask again
            }
        }
    }

    /** A finished call wakes the poll (see {@link #execute}) so its result is committed at once. */
    private ConsumerRecords<byte[], byte[]> poll() {
        try {
            return consumer.poll(settings.pollTimeout());
        } catch (WakeupException woken) {
            return ConsumerRecords.empty();
        }
    }

    /**
     * On close: no new records; queued calls are dropped (their offsets stay uncommitted, the next owner runs them),
     * running calls get up to the grace period, their results are committed.
     */
    private void drainRunning() {
        long end = System.nanoTime() + settings.closeGrace().toNanos();
        consumer.pause(consumer.assignment());
        dropQueued(r -> true);
        while (!running.isEmpty() && System.nanoTime() < end) {
            poll(); // keeps the group membership; all partitions are paused
            collectCompletions();
            commit();
        }
        commit();
        if (!running.isEmpty()) {
            LOG.warning(() -> running.size() + " calls still running after the close grace of "
                    + settings.closeGrace() + "; their offsets stay uncommitted and the next owner runs them again");
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        TrackedRecord tracked = new TrackedRecord(record.offset());
        progress.computeIfAbsent(partition, p -> new PartitionProgress()).track(tracked);
        ToolCall call;
        try {
            call = decode(record);
        } catch (InvalidCallException e) {
            deadLetter(record, tracked, e, DeadLetterReason.INVALID_RECORD);
            return;
        } catch (RuntimeException e) {
            deadLetter(record, tracked, e, DeadLetterReason.VALUE_DESERIALIZATION);
            return;
        }
        ToolResult stored = completed.get(call.getCallId());
        if (stored != null) {
            reemitted.incrementAndGet();
            LOG.info(() -> "call " + call.getCallId() + " was redelivered; re-emitting its stored result");
            tracked.complete(resultRecord(stored));
            return;
        }
        Running already = running.get(call.getCallId());
        if (already != null) {
            LOG.info(() -> "call " + call.getCallId() + " was redelivered while running; it will get the same result");
            already.waiting.add(tracked);
            return;
        }
        Running run = new Running();
        run.waiting.add(tracked);
        running.put(call.getCallId(), run);
        workers.execute(() -> {
            if (!run.claimed.compareAndSet(false, true)) {
                return; // dropped while queued
            }
            completions.add(new Completion(call.getCallId(), execute(call)));
            wakeConsumerThread();
        });
    }

    /** A finished call wakes the poll so its result commits at once; one wakeup per collection is enough. */
    private void wakeConsumerThread() {
        if (wakePending.compareAndSet(false, true)) {
            try {
                consumer.wakeup();
            } catch (RuntimeException closing) {
                // the consumer is closing; drainRunning() commits what finished
            }
        }
    }

    /** Drops the matching calls that no worker started yet; their records are no longer waited for here. */
    private void dropQueued(java.util.function.Predicate<Running> which) {
        running.values().removeIf(r -> which.test(r) && r.claimed.compareAndSet(false, true));
    }

    private ToolCall decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            throw new InvalidCallException("a tool call record without a value (tombstone)");
        }
        ToolCall call = callDeserializer.deserialize(record.topic(), record.headers(), record.value());
        if (call == null) {
            throw new SerializationException("the value decoded to no tool call");
        }
        if (call.getCallId().isBlank() || call.getConversationId().isBlank()) {
            throw new InvalidCallException("a tool call needs a callId and a conversationId");
        }
        return call;
    }

    /** A record that decodes but cannot be answered. */
    private static final class InvalidCallException extends RuntimeException {
        InvalidCallException(String message) {
            super(message);
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, TrackedRecord tracked, RuntimeException error,
                            DeadLetterReason reason) {
        deadLettered.incrementAndGet();
        LOG.warning(() -> "tool call at " + record.topic() + "-" + record.partition() + "@" + record.offset()
                + " goes to the dead-letter topic: " + error.getMessage());
        DeadLetter letter = DeadLetters.fromFailedRecord(record, error, reason, clock.instant());
        tracked.complete(new ProducerRecord<>(topics.dlq(), record.key(),
                letterSerializer.serialize(topics.dlq(), letter)));
    }

    /** Worker thread: runs one call; never throws. */
    private ToolResult execute(ToolCall call) {
        Instant pickedUp = clock.instant();
        if (mapper.expired(call, pickedUp)) {
            return mapper.toAvro(call, mapper.expiredResult(call, pickedUp), pickedUp);
        }
        executed.incrementAndGet();
        dev.agentrt.tools.ToolResult result;
        try {
            result = executor.execute(mapper.toLibrary(call));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "call " + call.getCallId() + " failed inside the executor", e);
            result = dev.agentrt.tools.ToolResult.refused(mapper.toLibrary(call), ToolStatus.ERROR,
                    "the executor failed on this call: " + e, ToolCallMapper.NOT_RUN);
        }
        return mapper.toAvro(call, result, clock.instant());
    }

    private void collectCompletions() {
        wakePending.set(false);
        Completion done;
        while ((done = completions.poll()) != null) {
            completed.put(done.callId(), done.result());
            Running run = running.remove(done.callId());
            if (run != null) {
                for (TrackedRecord tracked : run.waiting) {
                    tracked.complete(resultRecord(done.result()));
                }
            }
        }
    }

    private ProducerRecord<byte[], byte[]> resultRecord(ToolResult result) {
        return new ProducerRecord<>(topics.toolResults(), result.getConversationId().getBytes(StandardCharsets.UTF_8),
                resultSerializer.serialize(topics.toolResults(), result));
    }

    /** One short transaction: the results finished since the last one, and the offsets they complete. */
    private void commit() {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        progress.forEach((partition, p) -> {
            out.addAll(p.takeOutput());
            p.advance().ifPresent(next -> offsets.put(partition, new OffsetAndMetadata(next)));
        });
        if (out.isEmpty() && offsets.isEmpty()) {
            return;
        }
        try {
            producer.beginTransaction();
            out.forEach(producer::send);
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            producer.commitTransaction();
            transactions.incrementAndGet();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
                 | UnsupportedVersionException e) {
            throw e; // fatal for this producer: stop, and let another instance take over
        } catch (KafkaException e) {
            LOG.log(Level.WARNING, "transaction failed; aborting it and re-reading from the committed offsets", e);
            producer.abortTransaction();
            rewind();
        }
    }

    /**
     * After an aborted transaction: every assigned partition goes back to its committed offset.
     * Finished calls answer their redelivery from the LRU; running ones pick up their redelivered
     * record when they finish.
     */
    private void rewind() {
        Set<TopicPartition> assignment = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(assignment);
        for (TopicPartition partition : assignment) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
        progress.clear();
        running.values().forEach(r -> r.waiting.clear());
    }

    /** Pause every partition while the workers and the queue are full; resume when there is room. */
    private void applyBackpressure() {
        if (running.size() >= settings.capacity()) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // After a fatal error (a fenced producer, say) there is nothing to commit: the consumer's close must
            // still leave the group, or the next owner waits out the session timeout for these partitions.
            if (failure == null) {
                try {
                    collectCompletions();
                    commit();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "commit before giving up " + partitions + " failed; their next owner"
                            + " redoes the uncommitted calls", e);
                }
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                assigned.countDown();
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                PartitionProgress p = progress.remove(partition);
                if (p != null && p.size() > 0) {
                    LOG.warning(() -> partition + " left this executor with " + p.running()
                            + " calls running; their results are kept for a redelivery here, and the new owner"
                            + " runs them again");
                }
            }
            // Records of those partitions no longer wait for a result: a call nobody waits for is dropped if it has
            // not started (its new owner runs it); a running one still finishes into the LRU.
            running.values().forEach(r -> r.waiting.removeIf(t -> !isTracked(t)));
            dropQueued(r -> r.waiting.isEmpty());
        }

        private boolean isTracked(TrackedRecord record) {
            return progress.values().stream().anyMatch(p -> p.contains(record));
        }
    }

    private void closeClients() {
        try {
            consumer.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing the consumer failed", e);
        }
        try {
            producer.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing the producer failed", e);
        }
    }

    /** Stops consuming, lets running calls finish within the close grace, commits, and closes the clients. */
    @Override
    public void close() {
        stopping = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            workers.shutdownNow();
            return;
        }
        try {
            if (!stopped.await(settings.closeGrace().toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                LOG.severe("tool executor " + settings.executorId() + " did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
