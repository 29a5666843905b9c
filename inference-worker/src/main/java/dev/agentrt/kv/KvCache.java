package dev.agentrt.kv;

/**
 * The key/value cache of one sequence. An engine creates it ({@code Engine.newCache}) and appends to it on every
 * prefill/decode; the cache knows how many positions it holds and how many it may hold.
 */
public interface KvCache {
    /** Positions written so far; the next token gets this position. */
    int length();

    /** Maximum number of positions (the context length). */
    int capacity();

    /** Forgets every position, keeping the allocated memory. */
    void reset();
}
