package dev.agentrt.worker;

import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.TokenDelta;
import java.util.ArrayList;
import java.util.List;

/** TEST ONLY: keeps what a turn produced. */
final class RecordingSink implements TurnSink {
    final List<TokenDelta> deltas = new ArrayList<>();
    final List<InferenceResult> results = new ArrayList<>();

    @Override
    public void delta(TokenDelta delta) {
        deltas.add(delta);
    }

    @Override
    public void finished(InferenceResult result) {
        results.add(result);
    }

    InferenceResult result() {
        if (results.size() != 1) {
            throw new AssertionError("expected exactly one result, got " + results);
        }
        return results.getFirst();
    }

    int[] tokens() {
        return deltas.stream().flatMap(d -> d.getTokenIds().stream()).mapToInt(Integer::intValue).toArray();
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        deltas.forEach(d -> sb.append(d.getTextDelta()));
        return sb.toString();
    }
}
