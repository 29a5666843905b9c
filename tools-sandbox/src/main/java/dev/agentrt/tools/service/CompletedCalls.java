package dev.agentrt.tools.service;

import dev.agentrt.avro.ToolResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The results of the most recently completed calls by call id, bounded (least recently used out):
 * a redelivered call is answered from here instead of running again. Consumer thread only.
 */
final class CompletedCalls {

    private final int capacity;
    private final LinkedHashMap<String, ToolResult> results;

    CompletedCalls(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.results = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ToolResult> eldest) {
                return size() > CompletedCalls.this.capacity;
            }
        };
    }

    ToolResult get(String callId) {
        return results.get(callId);
    }

    void put(String callId, ToolResult result) {
        results.put(callId, result);
    }

    int size() {
        return results.size();
    }
}
