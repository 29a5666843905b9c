package dev.agentrt.orchestrator;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationSnapshot;
import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.DeadLetterReason;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.loop.AgentLoop;
import dev.agentrt.loop.Command;
import dev.agentrt.loop.ConversationState;
import dev.agentrt.loop.Event;
import dev.agentrt.loop.Pending;
import dev.agentrt.loop.Step;
import dev.agentrt.orchestrator.SnapshotMapper.Stored;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.serde.DeadLetters;
import dev.agentrt.topics.AgentrtTopic;
import dev.agentrt.topics.AgentrtTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link AgentLoop} for every input record: decode (bad records to the dead-letter topic), load the
 * conversation, apply, store, and forward the commands as records. Values arrive as bytes so a record that
 * does not decode never stops the application.
 */
final class ConversationProcessor implements Processor<String, byte[], String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(ConversationProcessor.class);

    private final AgentrtTopics topics;
    private final OrchestratorSettings settings;
    private final Clock clock;
    private final Supplier<CommitPacer> pacers;

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, ConversationSnapshot> conversations;
    private TimerIndex timers;
    /** The wall-clock punctuation that looks at the timers next, and when it fires (epoch millis). */
    private Cancellable timerCheck;
    private long timerCheckAt = Long.MAX_VALUE;
    /** This processor's pending commit-pacing punctuation and the pacer waiting for it, if any. */
    private Cancellable pacerPunctuation;
    private CommitPacer pacerOfPunctuation;

    ConversationProcessor(AgentrtTopics topics, OrchestratorSettings settings, Clock clock,
                          Supplier<CommitPacer> pacers) {
        this.topics = topics;
        this.settings = settings;
        this.clock = clock;
        this.pacers = pacers;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.conversations = context.getStateStore(OrchestratorTopology.CONVERSATIONS_STORE);
        this.timers = new TimerIndex(context.getStateStore(OrchestratorTopology.TIMERS_STORE));
        scheduleTimerCheck(timers.earliest().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE));
    }

    /**
     * The punctuation fires when the earliest timer is due, not on a fixed beat: under exactly-once every
     * punctuation makes Kafka Streams commit a transaction, so a 200 ms beat alone would cost five transactions a
     * second with nothing to do. {@link OrchestratorSettings#timerInterval()} bounds the wait as a safety net.
     */
    private void scheduleTimerCheck(long dueAt) {
        if (timerCheck != null) timerCheck.cancel();
        long now = clock.millis();
        long delay = Math.clamp(dueAt - now, 1L, Math.max(1L, settings.timerInterval().toMillis()));
        timerCheckAt = now + delay;
        timerCheck = context.schedule(Duration.ofMillis(delay), PunctuationType.WALL_CLOCK_TIME, ts -> fireTimers());
    }

    /** A timer was set: look at the timers no later than when it is due. */
    private void checkTimersBy(Instant due) {
        if (due != null && due.toEpochMilli() < timerCheckAt) scheduleTimerCheck(due.toEpochMilli());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        try {
            handle(record, meta);
        } catch (RuntimeException e) {
            // A bug must not stop the stream for every other conversation: keep the evidence and go on.
            log.error("processing {}-{}@{} failed", meta.topic(), meta.partition(), meta.offset(), e);
            deadLetter(record, meta, DeadLetterReason.PROCESSING_ERROR, e);
        }
    }

    private void handle(Record<String, byte[]> record, RecordMetadata meta) {
        byte[] value = record.value();
        if (record.key() == null) {
            deadLetter(record, meta, DeadLetterReason.INVALID_RECORD,
                new IllegalArgumentException("the record has no key; agentrt records are keyed by conversation id"));
            return;
        }
        if (value == null) {
            deadLetter(record, meta, DeadLetterReason.INVALID_RECORD,
                new IllegalArgumentException("the record has no value (a tombstone) on an input topic"));
            return;
        }
        if (value.length > settings.maxInputRecordBytes()) {
            deadLetter(record, meta, DeadLetterReason.INVALID_RECORD, new IllegalArgumentException("the record is "
                + value.length + " bytes, over the limit of " + settings.maxInputRecordBytes() + " ("
                + OrchestratorSettings.MAX_INPUT_RECORD_BYTES + ")"));
            return;
        }
        Instant now = clock.instant();
        AgentrtTopic topic = topics.topicOf(meta.topic()).orElseThrow(
            () -> new IllegalStateException("record from a topic the orchestrator does not read: " + meta.topic()));
        SpecificRecord decoded;
        try {
            decoded = AgentrtSerdes.value(topic).deserializer().deserialize(meta.topic(), value);
        } catch (SerializationException e) {
            deadLetter(record, meta, DeadLetterReason.VALUE_DESERIALIZATION, e);
            return;
        }
        switch (decoded) {
            case ConversationRequest r -> {
                if (keyMatches(record, meta, r.getConversationId())) apply(EventMapper.start(r, now), r, now);
            }
            case InferenceResult r -> {
                if (keyMatches(record, meta, r.getConversationId())) apply(EventMapper.inferenceCompleted(r, now), null, now);
            }
            case ToolResult r -> {
                if (keyMatches(record, meta, r.getConversationId())) apply(EventMapper.toolCompleted(r, now), null, now);
            }
            default -> throw new IllegalStateException("unexpected record type " + decoded.getClass().getName());
        }
    }

    /** The key decides the partition, so a key that differs from the value's conversation would split it. */
    private boolean keyMatches(Record<String, byte[]> record, RecordMetadata meta, String conversationId) {
        if (record.key().equals(conversationId)) return true;
        deadLetter(record, meta, DeadLetterReason.INVALID_RECORD, new IllegalArgumentException(
            "the record key '" + record.key() + "' differs from its conversation id '" + conversationId + "'"));
        return false;
    }

    private void apply(Event event, ConversationRequest newRequest, Instant now) {
        String id = event.conversationId();
        Stored before = load(id);
        Step step = AgentLoop.apply(before == null ? null : before.state(), event);
        ConversationState after = step.state();
        for (Command c : step.commands()) {
            if (c instanceof Command.Ignored ignored) log.debug("conversation {}: {}", id, ignored.reason());
        }
        if (after == null || (before != null && after.equals(before.state()))) return;

        ConversationRequest request = before != null ? before.request() : newRequest;
        Instant finishedAt = before != null && before.finishedAt() != null ? before.finishedAt()
            : after.isFinished() ? now : null;
        Instant due = nextTimer(after, finishedAt);
        timers.move(id, before == null ? null : before.timerDueAt(), due);
        checkTimersBy(due);
        conversations.put(id, SnapshotMapper.toAvro(new Stored(after, request, finishedAt, due)));

        ConversationState beforeState = before == null ? null : before.state();
        boolean awaited = false;
        for (Command c : step.commands()) {
            switch (c) {
                case Command.AppendTranscript t ->
                    forward(id, CommandMapper.transcript(t, beforeState, now), OrchestratorTopology.TRANSCRIPT_SINK, now);
                case Command.RequestInference r -> {
                    forward(id, CommandMapper.inferenceRequest(r, request, now), OrchestratorTopology.INFERENCE_SINK, now);
                    awaited = true;
                }
                case Command.CallTool t -> {
                    forward(id, CommandMapper.toolCall(t, request, now), OrchestratorTopology.TOOL_CALLS_SINK, now);
                    awaited = true;
                }
                case Command.Respond r -> {
                    forward(id, CommandMapper.response(r, request, after.startedAt(), now), OrchestratorTopology.RESPONSES_SINK, now);
                    awaited = true;
                }
                case Command.Ignored ignored -> { }
            }
        }
        if (awaited) commitSoon();
    }

    /**
     * A worker, the tool executor or a client waits for what was just emitted, and under exactly-once it is
     * visible only once the transaction commits: ask Kafka Streams to commit soon, as {@link CommitPacer} says.
     */
    private void commitSoon() {
        CommitPacer pacer = pacers.get();
        follow(pacer, pacer.onAwaitedOutput(System.nanoTime(), this));
    }

    private void follow(CommitPacer pacer, long decision) {
        if (decision == CommitPacer.NOTHING) return;
        boolean asked = decision == CommitPacer.ASK_NOW;
        if (asked) context.commit();
        // After an ask, 1 ms: it runs on the thread's first pass after the commit, which happens between passes.
        long delayMs = asked ? 1L : Math.max(1L, (decision + 999_999L) / 1_000_000L);
        cancelPacerPunctuation();
        pacerOfPunctuation = pacer;
        pacerPunctuation = context.schedule(Duration.ofMillis(delayMs), PunctuationType.WALL_CLOCK_TIME, ts -> {
            cancelPacerPunctuation();
            long now = System.nanoTime();
            follow(pacer, asked ? pacer.onCommitObserved(now, this) : pacer.onDeferredDue(now, this));
        });
    }

    private void cancelPacerPunctuation() {
        if (pacerPunctuation != null) pacerPunctuation.cancel();
        pacerPunctuation = null;
        pacerOfPunctuation = null;
    }

    @Override
    public void close() {
        // A punctuation dies with the task; the thread's pacer must not wait for it.
        if (pacerOfPunctuation != null) pacerOfPunctuation.forget(this);
        cancelPacerPunctuation();
    }

    /** Deadline or tool timeout (1 ms after, since the loop acts strictly after), or the purge of an ended one. */
    private Instant nextTimer(ConversationState s, Instant finishedAt) {
        if (s.isFinished()) return finishedAt.plus(settings.finishedRetention());
        Instant due = s.limits().deadline();
        if (s.pending() instanceof Pending.Tool t && (due == null || t.deadline().isBefore(due))) due = t.deadline();
        return due == null ? null : due.plusMillis(1);
    }

    private void fireTimers() {
        Instant now = clock.instant();
        for (String id : timers.takeDue(now)) {
            Stored stored = load(id);
            if (stored == null) continue;
            if (stored.state().isFinished()) {
                if (!stored.finishedAt().plus(settings.finishedRetention()).isAfter(now)) {
                    conversations.delete(id);
                } else {
                    timers.move(id, null, stored.timerDueAt());
                }
                continue;
            }
            // The timer entry is gone; forget it so apply() puts back whatever is still due.
            conversations.put(id, SnapshotMapper.toAvro(new Stored(stored.state(), stored.request(), stored.finishedAt(), null)));
            try {
                apply(new Event.Tick(id, now), null, now);
            } catch (RuntimeException e) {
                log.error("timer of conversation {} failed", id, e);
            }
        }
        scheduleTimerCheck(timers.earliest().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE));
    }

    private Stored load(String id) {
        ConversationSnapshot s = conversations.get(id);
        return s == null ? null : SnapshotMapper.fromAvro(s);
    }

    private void forward(String key, SpecificRecord value, String sink, Instant now) {
        context.forward(new Record<String, SpecificRecord>(key, value, now.toEpochMilli()), sink);
    }

    private void deadLetter(Record<String, byte[]> record, RecordMetadata meta, DeadLetterReason reason, Throwable error) {
        byte[] value = record.value();
        boolean capped = value != null && value.length > settings.dlqValueCapBytes();
        byte[] kept = capped ? Arrays.copyOf(value, settings.dlqValueCapBytes()) : value;
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        // The same dead-letter shape as every other service: the raw record seen as a consumer record.
        var raw = new ConsumerRecord<>(meta.topic(), meta.partition(), meta.offset(), record.timestamp(),
            TimestampType.CREATE_TIME, key == null ? -1 : key.length, value == null ? -1 : value.length, key, kept,
            record.headers(), Optional.empty());
        DeadLetter dl = DeadLetters.fromFailedRecord(raw, error, reason, clock.instant());
        if (capped) {
            dl.setMessage(dl.getMessage() + " (the dead letter keeps the first " + settings.dlqValueCapBytes() + " of "
                + value.length + " bytes)");
        }
        log.warn("dead-lettered {}-{}@{}: {}: {}", meta.topic(), meta.partition(), meta.offset(), reason, dl.getMessage());
        context.forward(new Record<String, SpecificRecord>(record.key(), dl, clock.instant().toEpochMilli()),
            OrchestratorTopology.DLQ_SINK);
    }
}
