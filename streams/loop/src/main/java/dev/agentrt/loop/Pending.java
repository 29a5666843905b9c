package dev.agentrt.loop;

import java.time.Instant;

/** What a conversation is waiting for: the one result that may advance it. */
public sealed interface Pending {

    record Inference(int turn) implements Pending {}

    record Tool(String callId, String recipient, int turn, Instant deadline) implements Pending {}

    record Nothing() implements Pending {}

    Pending NOTHING = new Nothing();
}
