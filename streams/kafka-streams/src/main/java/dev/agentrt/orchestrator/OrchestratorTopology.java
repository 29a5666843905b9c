package dev.agentrt.orchestrator;

import dev.agentrt.avro.ConversationSnapshot;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.topics.AgentrtTopic;
import dev.agentrt.topics.AgentrtTopics;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * requests + inference-results + tool-results (co-partitioned by conversation id)
 * → {@link ConversationProcessor} (conversation store + timer store)
 * → inference, tool-calls, responses, transcript, dlq.
 */
public final class OrchestratorTopology {

    static final String CONVERSATIONS_STORE = "agentrt-conversations";
    static final String TIMERS_STORE = "agentrt-timers";
    static final String INFERENCE_SINK = "inference-sink";
    static final String TOOL_CALLS_SINK = "tool-calls-sink";
    static final String RESPONSES_SINK = "responses-sink";
    static final String TRANSCRIPT_SINK = "transcript-sink";
    static final String DLQ_SINK = "dlq-sink";
    private static final String INPUTS = "inputs";
    private static final String LOOP = "agent-loop";

    private OrchestratorTopology() {}

    public static Topology build(AgentrtTopics topics, OrchestratorSettings settings, Clock clock) {
        var t = new Topology();
        t.addSource(INPUTS, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
            topics.name(AgentrtTopic.REQUESTS), topics.name(AgentrtTopic.INFERENCE_RESULTS),
            topics.name(AgentrtTopic.TOOL_RESULTS));
        // One pacer per stream thread: a commit covers all of a thread's tasks.
        ThreadLocal<CommitPacer> pacers = ThreadLocal.withInitial(() -> new CommitPacer(settings.commitPacing()));
        t.addProcessor(LOOP, () -> new ConversationProcessor(topics, settings, clock, pacers::get), INPUTS);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CONVERSATIONS_STORE),
            Serdes.String(), AgentrtSerdes.of(ConversationSnapshot.class)), LOOP);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMERS_STORE),
            Serdes.String(), Serdes.String()), LOOP);
        sink(t, INFERENCE_SINK, topics, AgentrtTopic.INFERENCE);
        sink(t, TOOL_CALLS_SINK, topics, AgentrtTopic.TOOL_CALLS);
        sink(t, RESPONSES_SINK, topics, AgentrtTopic.RESPONSES);
        sink(t, TRANSCRIPT_SINK, topics, AgentrtTopic.TRANSCRIPT);
        sink(t, DLQ_SINK, topics, AgentrtTopic.DLQ);
        return t;
    }

    @SuppressWarnings("unchecked")
    private static void sink(Topology t, String name, AgentrtTopics topics, AgentrtTopic topic) {
        Serializer<SpecificRecord> values = (Serializer<SpecificRecord>) AgentrtSerdes.value(topic).serializer();
        t.addSink(name, topics.name(topic), Serdes.String().serializer(), values, LOOP);
    }
}
