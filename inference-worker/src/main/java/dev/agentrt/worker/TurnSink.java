package dev.agentrt.worker;

import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.TokenDelta;

/**
 * Where a turn's output goes. Called on the decode thread: {@link #delta} for every decoded token, in order, then
 * {@link #finished} exactly once (a failure is a result with {@code error} set), unless the turn is cancelled.
 */
public interface TurnSink {
    void delta(TokenDelta delta);

    void finished(InferenceResult result);
}
