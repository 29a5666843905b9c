package dev.agentrt.orchestrator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When each conversation needs a look without any input (deadline, tool timeout, purge), as a store whose
 * keys sort by due time ({@code 0001764324000123|conversation-id}): a punctuator range-scans only what is
 * due instead of every conversation.
 */
final class TimerIndex {

    private static final String SEPARATOR = "|";

    private final KeyValueStore<String, String> store;

    TimerIndex(KeyValueStore<String, String> store) {
        this.store = store;
    }

    static String key(Instant due, String conversationId) {
        return String.format("%016d", due.toEpochMilli()) + SEPARATOR + conversationId;
    }

    /** Re-keys a conversation's timer; nothing to write (nor to log to the changelog) when it stays put. */
    void move(String conversationId, Instant from, Instant to) {
        if (from != null && from.equals(to)) return;
        if (from != null) store.delete(key(from, conversationId));
        if (to != null) store.put(key(to, conversationId), "");
    }

    /** When the earliest timer is due, if any. */
    Optional<Instant> earliest() {
        try (var it = store.all()) {
            if (!it.hasNext()) return Optional.empty();
            String k = it.next().key;
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(k.substring(0, k.indexOf(SEPARATOR)))));
        }
    }

    /** Removes and returns the conversation ids due at or before {@code now}, earliest first. */
    List<String> takeDue(Instant now) {
        var due = new ArrayList<String>();
        var keys = new ArrayList<String>();
        try (var it = store.range(String.format("%016d", 0), String.format("%016d", now.toEpochMilli()) + SEPARATOR + '\uffff')) {
            while (it.hasNext()) {
                String k = it.next().key;
                keys.add(k);
                due.add(k.substring(k.indexOf(SEPARATOR) + 1));
            }
        }
        keys.forEach(store::delete);
        return due;
    }
}
