package dev.agentrt.loop;

import static dev.agentrt.loop.Conversations.ID;
import static dev.agentrt.loop.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Redelivery and reordering of results (what Kafka's at-least-once paths can do) never change the outcome:
 * the final state equals the clean run's and there is exactly one response.
 */
class AgentLoopProperties {

    /** A scripted conversation: how many tool calls the model makes before answering, and the seed of the noise. */
    record Script(int toolCalls, boolean answers, long noiseSeed) {}

    @Provide
    Arbitrary<Script> scripts() {
        return Combinators.combine(Arbitraries.integers().between(0, 10), Arbitraries.of(true, false),
            Arbitraries.longs()).as(Script::new);
    }

    /** The events of a clean run, in causal order. Unanswered scripts end by tool timeout via the clock. */
    static List<Event> cleanRun(Script s) {
        var events = new ArrayList<Event>();
        events.add(Conversations.start());
        for (int turn = 1; turn <= s.toolCalls(); turn++) {
            events.add(Conversations.toolCallTurn(turn, "functions.calculate", "{\"expr\":\"" + turn + "+1\"}"));
            events.add(Conversations.toolOk(turn, String.valueOf(turn + 1)));
        }
        int last = s.toolCalls() + 1;
        if (s.answers()) {
            events.add(Conversations.finalTurn(last, "done after " + s.toolCalls() + " calls"));
        } else {
            events.add(Conversations.toolCallTurn(last, "functions.calculate", "{}"));
            events.add(new Event.Tick(ID, T0.plusSeconds(last).plusSeconds(31)));
        }
        return events;
    }

    /** Every event redelivered up to twice at random later positions, plus stray clock ticks. */
    static List<Event> noisy(List<Event> clean, long seed) {
        var rnd = new Random(seed);
        var out = new ArrayList<Event>(clean);
        for (int i = 0; i < clean.size(); i++) {
            int copies = rnd.nextInt(3);
            for (int c = 0; c < copies; c++) {
                int from = out.indexOf(clean.get(i)) + 1;
                out.add(from + rnd.nextInt(out.size() - from + 1), clean.get(i));
            }
        }
        for (int k = rnd.nextInt(4); k > 0; k--) {
            // Ticks earlier than any deadline: they must change nothing.
            out.add(rnd.nextInt(out.size()) + 1, new Event.Tick(ID, T0.plusMillis(rnd.nextInt(1000))));
        }
        return out;
    }

    static Conversations.Driver run(List<Event> events) {
        var d = new Conversations.Driver();
        for (Event e : events) d.feed(e);
        return d;
    }

    @Property(tries = 300)
    void redeliveryNeverChangesTheOutcome(@ForAll("scripts") Script script) {
        var clean = run(cleanRun(script));
        var noisy = run(noisy(cleanRun(script), script.noiseSeed()));

        assertThat(noisy.state).isEqualTo(clean.state);
        assertThat(noisy.all(Command.Respond.class)).hasSize(1).isEqualTo(clean.all(Command.Respond.class));
        assertThat(noisy.all(Command.CallTool.class)).isEqualTo(clean.all(Command.CallTool.class));
        assertThat(noisy.all(Command.RequestInference.class)).isEqualTo(clean.all(Command.RequestInference.class));
        assertThat(noisy.all(Command.AppendTranscript.class)).isEqualTo(clean.all(Command.AppendTranscript.class));
    }

    @Property(tries = 200)
    void everyConversationEndsWithExactlyOneResponseWhateverArrives(@ForAll("scripts") Script script) {
        // Arbitrary permutations (not just redeliveries): the loop may stall waiting, but never answers twice
        // and never throws; a clock tick past the deadline always ends it.
        var events = new ArrayList<>(noisy(cleanRun(script), script.noiseSeed()));
        java.util.Collections.shuffle(events.subList(1, events.size()), new Random(script.noiseSeed()));
        events.add(new Event.Tick(ID, T0.plusSeconds(3600)));
        var d = run(events);
        assertThat(d.all(Command.Respond.class)).hasSize(1);
        assertThat(d.state.isFinished()).isTrue();
    }
}
