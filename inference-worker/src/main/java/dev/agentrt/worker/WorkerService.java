package dev.agentrt.worker;

import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.TokenDelta;
import dev.agentrt.engine.Engine;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.serde.DeadLetters;
import dev.agentrt.topics.AgentrtTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference worker: consumes {@code inference}, decodes with continuous batching, produces one
 * {@link InferenceResult} per request to {@code inference-results} and streams {@link TokenDelta}s to {@code deltas}.
 *
 * <p>Two threads. The <em>poll thread</em> owns the consumer and the transactional producer: it polls (so
 * {@code max.poll.interval.ms} never depends on decoding), hands requests to the decode thread, pauses the
 * partitions while the batch and its queue are full and resumes them when they drain, and commits — in one short
 * transaction, opened only when there is something to commit — the finished results together with, per partition,
 * the offsets of the contiguous prefix of finished requests. The <em>decode thread</em> owns the
 * {@link BatchDecoder} and the engine. Deltas go through a separate idempotent, non-transactional producer: they are
 * progress, the result is authoritative.
 *
 * <p>A result is committed as soon as its turn finishes, even when an earlier request of the partition is still
 * running; if the worker then dies, the new owner of the partition redoes that request and the orchestrator ignores
 * the second result of the turn. A request that is running when the worker stops or loses its partition is
 * dropped without a result and redone by the partition's next owner. A record that cannot be read goes to
 * {@code dlq} in the same transaction as its offset.
 */
public final class WorkerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerService.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);

    private final WorkerSettings settings;
    private final AgentrtTopics topics;
    private final Clock clock;
    private final BatchDecoder decoder;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> results;
    private final KafkaProducer<byte[], byte[]> deltas;
    private final Deserializer<InferenceRequest> requestReader = AgentrtSerdes.inferenceRequest().deserializer();
    private final Serializer<InferenceResult> resultWriter = AgentrtSerdes.inferenceResult().serializer();
    private final Serializer<TokenDelta> deltaWriter = AgentrtSerdes.tokenDelta().serializer();
    private final Serializer<DeadLetter> deadLetterWriter = AgentrtSerdes.deadLetter().serializer();

    // poll thread state
    private final OffsetTracker offsets = new OffsetTracker();
    private final Map<TopicPartition, Integer> epochs = new HashMap<>();
    private final List<InferenceResult> pendingResults = new ArrayList<>();
    private final List<DeadLetter> pendingDeadLetters = new ArrayList<>();
    private boolean paused;

    // shared between the threads
    private final BlockingQueue<DecodeCommand> inbox = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong committedResults = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile boolean running = true;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread pollThread;
    private final Thread decodeThread;

    private sealed interface DecodeCommand {}

    private record Submit(InferenceRequest request, Instant receivedAt, PartitionSink sink) implements DecodeCommand {}

    private record Cancel(Set<TopicPartition> partitions) implements DecodeCommand {}

    private record Finished(TopicPartition tp, long offset, int epoch, InferenceResult result) {}

    /** Routes one request's deltas to the deltas topic and its result back to the poll thread. */
    private final class PartitionSink implements TurnSink {
        final TopicPartition tp;
        final long offset;
        final int epoch;

        PartitionSink(TopicPartition tp, long offset, int epoch) {
            this.tp = tp;
            this.offset = offset;
            this.epoch = epoch;
        }

        @Override
        public void delta(TokenDelta delta) {
            String topic = topics.deltas();
            deltas.send(new ProducerRecord<>(topic, key(delta.getConversationId()), deltaWriter.serialize(topic, delta)),
                (metadata, error) -> {
                    if (error != null) {
                        LOG.warn("delta {} of turn {} of {} not written: {}", delta.getSequence(), delta.getTurn(),
                            delta.getConversationId(), error.toString());
                    }
                });
        }

        @Override
        public void finished(InferenceResult result) {
            WorkerService.this.finished.add(new Finished(tp, offset, epoch, result));
            wakePollThread();
        }
    }

    public WorkerService(WorkerSettings settings, AgentrtTopics topics, Map<String, Object> kafkaConfig, Engine engine,
                         PromptBuilder prompts, Clock clock) {
        this.settings = settings;
        this.topics = topics;
        this.clock = clock;
        var footprint = new KvCacheFootprint(engine.config());
        this.decoder = new BatchDecoder(engine, prompts, new KvCacheAffinity(settings.kvCacheBytes(), footprint::bytes),
            settings.decoder(), clock, settings.workerId());
        this.consumer = new KafkaConsumer<>(WorkerClients.consumer(kafkaConfig, settings),
            new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.results = new KafkaProducer<>(WorkerClients.resultsProducer(kafkaConfig, settings),
            new ByteArraySerializer(), new ByteArraySerializer());
        this.deltas = new KafkaProducer<>(WorkerClients.deltasProducer(kafkaConfig, settings),
            new ByteArraySerializer(), new ByteArraySerializer());
        this.pollThread = new Thread(this::pollLoop, "agentrt-worker-poll-" + settings.workerId());
        this.decodeThread = new Thread(this::decodeLoop, "agentrt-worker-decode-" + settings.workerId());
    }

    public WorkerService start() {
        pollThread.start();
        decodeThread.start();
        return this;
    }

    /** True until the worker stopped, on {@link #close()} or a fatal error. */
    public boolean isRunning() {
        return pollThread.isAlive();
    }

    /** The fatal error that stopped the worker, if any. */
    public Throwable failure() {
        return failure.get();
    }

    /** Results committed to {@code inference-results} so far. */
    public long committedResults() {
        return committedResults.get();
    }

    /** Transactions committed so far (one per poll pass that had results or dead letters). */
    public long transactions() {
        return transactions.get();
    }

    /** Records sent to {@code dlq} so far. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Waits until the worker has stopped; true if it did within the timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops: finished results are committed, running requests are dropped (the partition's next owner redoes them),
     * the worker leaves its group.
     */
    @Override
    public void close() {
        running = false;
        if (pollThread.getState() == Thread.State.NEW) { // never started: only the clients to close
            closeQuietly(consumer::close, "consumer");
            closeQuietly(results::close, "results producer");
            closeQuietly(deltas::close, "deltas producer");
            stopped.countDown();
            return;
        }
        consumer.wakeup();
        try {
            pollThread.join(Duration.ofSeconds(30));
            decodeThread.join(Duration.ofSeconds(10));
            if (decodeThread.isAlive()) {
                LOG.warn("the decode thread did not stop within 10 s (a long engine call); leaving it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ poll thread

    /** {@code committed()} also throws on a pending wakeup from a finished turn: then it is simply asked again. */
    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(java.util.Set<TopicPartition> partitions) {
        while (true) {
            try {
                return consumer.committed(partitions);
            } catch (WakeupException woken) {
                if (!running) throw woken;
            }
        }
    }

    /**
     * A finished turn should not wait out the poll timeout before its result is committed. One wakeup per
     * collection is enough: while one is pending, the poll thread will collect every turn finished before it.
     */
    private void wakePollThread() {
        if (!wakePending.compareAndSet(false, true)) {
            return;
        }
        try {
            consumer.wakeup();
        } catch (RuntimeException closing) {
            // the consumer is closing; the shutdown path commits what is finished
        }
    }

    private void pollLoop() {
        try {
            results.initTransactions();
            consumer.subscribe(List.of(topics.inference()), new Rebalance());
            while (running && failure.get() == null) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL_TIMEOUT);
                } catch (WakeupException woken) {
                    if (!running) throw woken;
                    records = ConsumerRecords.empty(); // a turn finished: commit its result now, not after the poll
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    accept(record);
                }
                collectFinished();
                commit();
                applyBackPressure();
            }
            if (failure.get() == null) {
                collectFinished();
                commit();
            }
        } catch (WakeupException e) {
            if (running) {
                fail(e);
            } else {
                try {
                    collectFinished();
                    commit();
                } catch (RuntimeException last) {
                    LOG.warn("last commit on close failed; the unfinished requests will be redone", last);
                }
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            running = false;
            closeQuietly(consumer::close, "consumer");
            closeQuietly(() -> results.close(Duration.ofSeconds(5)), "results producer");
            decodeThread.interrupt();
            try {
                decodeThread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(() -> deltas.close(Duration.ofSeconds(5)), "deltas producer");
            stopped.countDown();
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        offsets.track(tp, record.offset());
        InferenceRequest request;
        try {
            if (record.value() == null) {
                throw new SerializationException("the record has no value (tombstone), expected an InferenceRequest");
            }
            request = requestReader.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            LOG.warn("inference record {}-{}@{} is unreadable; sending it to {}", record.topic(), record.partition(),
                record.offset(), topics.dlq(), e);
            pendingDeadLetters.add(DeadLetters.fromFailedRecord(record, e));
            offsets.finish(tp, record.offset());
            return;
        }
        inbox.add(new Submit(request, clock.instant(), new PartitionSink(tp, record.offset(), epochs.getOrDefault(tp, 0))));
    }

    private void collectFinished() {
        wakePending.set(false);
        Finished f;
        while ((f = finished.poll()) != null) {
            if (epochs.getOrDefault(f.tp(), -1) != f.epoch()) {
                continue; // the partition was revoked meanwhile: its new owner redoes the request
            }
            pendingResults.add(f.result());
            offsets.finish(f.tp(), f.offset());
        }
    }

    /**
     * One transaction: the finished results, the dead letters, and the committable offsets. Offsets alone never
     * make a transaction: they move without a finished record only over transaction markers, which the next result
     * carries (an offsets-only transaction right before a result's would also make that one wait for the first's
     * markers: CONCURRENT_TRANSACTIONS and a retry backoff).
     */
    private void commit() {
        if (pendingResults.isEmpty() && pendingDeadLetters.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> next = offsets.committable();
        try {
            results.beginTransaction();
            for (InferenceResult r : pendingResults) {
                String topic = topics.inferenceResults();
                results.send(new ProducerRecord<>(topic, key(r.getConversationId()), resultWriter.serialize(topic, r)));
            }
            for (DeadLetter d : pendingDeadLetters) {
                String topic = topics.dlq();
                byte[] key = d.getKey() == null ? null : bytes(d.getKey());
                results.send(new ProducerRecord<>(topic, key, deadLetterWriter.serialize(topic, d)));
            }
            Map<TopicPartition, OffsetAndMetadata> commitOffsets = new HashMap<>();
            next.forEach((tp, offset) -> commitOffsets.put(tp, new OffsetAndMetadata(offset)));
            if (!commitOffsets.isEmpty()) {
                results.sendOffsetsToTransaction(commitOffsets, consumer.groupMetadata());
            }
            results.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
                 | UnsupportedVersionException e) {
            throw e; // fatal for this producer: stop; the partitions' next owner redoes the work
        } catch (KafkaException e) {
            LOG.warn("commit failed ({}); aborting and rewinding to the committed offsets", e.toString());
            results.abortTransaction();
            rewindToCommitted();
            return;
        }
        offsets.committed(next);
        transactions.incrementAndGet();
        committedResults.addAndGet(pendingResults.size());
        deadLettered.addAndGet(pendingDeadLetters.size());
        pendingResults.clear();
        pendingDeadLetters.clear();
    }

    /** After an aborted transaction: forget everything in flight and read again from the committed offsets. */
    private void rewindToCommitted() {
        Set<TopicPartition> assigned = consumer.assignment();
        dropInFlight(assigned);
        pendingResults.clear();
        pendingDeadLetters.clear();
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata at = committed.get(tp);
            if (at != null) {
                consumer.seek(tp, at);
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
    }

    /** Drops the in-flight work of these partitions: no result, no commit; whoever reads them next redoes it. */
    private void dropInFlight(Collection<TopicPartition> tps) {
        if (tps.isEmpty()) {
            return;
        }
        for (TopicPartition tp : tps) {
            epochs.merge(tp, 1, Integer::sum);
        }
        offsets.forget(tps);
        inbox.add(new Cancel(new HashSet<>(tps)));
    }

    private void applyBackPressure() {
        int inFlight = offsets.inFlight();
        if (!paused && inFlight >= settings.capacity()) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && inFlight <= settings.decoder().maxBatch()) {
            consumer.resume(consumer.paused());
            paused = false;
        } else if (paused) {
            consumer.pause(consumer.assignment()); // partitions assigned while paused
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            try {
                collectFinished();
                commit(); // what is done is kept; the rest is the next owner's
            } catch (RuntimeException e) {
                LOG.warn("commit before giving up {} failed; the next owner redoes that work", partitions, e);
            }
            dropInFlight(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            pendingResults.clear();
            pendingDeadLetters.clear();
            dropInFlight(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                epochs.merge(tp, 1, Integer::sum);
            }
        }
    }

    // ------------------------------------------------------------------ decode thread

    private void decodeLoop() {
        try {
            while (running) {
                DecodeCommand c;
                while ((c = inbox.poll()) != null) {
                    apply(c);
                }
                if (decoder.idle()) {
                    c = inbox.poll(50, TimeUnit.MILLISECONDS);
                    if (c != null) {
                        apply(c);
                    }
                    continue;
                }
                decoder.step();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fail(e);
        }
    }

    private void apply(DecodeCommand c) {
        switch (c) {
            case Submit s -> decoder.submit(s.request(), s.receivedAt(), s.sink());
            case Cancel cancel -> decoder.cancel(sink -> sink instanceof PartitionSink ps
                && cancel.partitions().contains(ps.tp));
        }
    }

    // ------------------------------------------------------------------ helpers

    private void fail(Throwable e) {
        if (failure.compareAndSet(null, e)) {
            LOG.error("worker {} stops: {}", settings.workerId(), e.toString(), e);
        }
        running = false;
    }

    private static byte[] key(String conversationId) {
        return conversationId.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        var copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static void closeQuietly(Runnable close, String what) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.warn("closing the {} failed: {}", what, e.toString());
        }
    }
}
