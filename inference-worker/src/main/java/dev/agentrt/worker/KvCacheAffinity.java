package dev.agentrt.worker;

import dev.agentrt.kv.KvCache;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The KV caches of finished turns, by conversation id, so that the next turn of a conversation (which lands on the
 * same partition, hence the same worker) prefills only its new tokens. Bounded by bytes; the least recently used
 * caches go first. A cache is handed out at most once: {@link #take} removes it. Not thread-safe (the decode thread
 * owns it).
 */
public final class KvCacheAffinity {
    /** A reusable cache: the first {@code cachedTokens} of the new prompt are already in it. */
    public record Reuse(KvCache cache, int cachedTokens) {}

    private record Entry(KvCache cache, int[] tokens, long bytes) {}

    private final long maxBytes;
    private final ToLongFunction<KvCache> footprint;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;

    /**
     * @param maxBytes  memory the kept caches may hold together; 0 keeps none
     * @param footprint the bytes a cache holds
     */
    public KvCacheAffinity(long maxBytes, ToLongFunction<KvCache> footprint) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("the KV cache budget must be >= 0 bytes, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.footprint = footprint;
    }

    /**
     * Keeps the cache of a finished turn. {@code tokens} are exactly the positions in the cache (prompt and the
     * generated tokens that were fed back). Replaces an older cache of the same conversation; evicts the least
     * recently used caches to stay within the budget, and keeps nothing that alone exceeds it.
     */
    public void put(String conversationId, KvCache cache, int[] tokens) {
        if (tokens.length != cache.length()) {
            throw new IllegalArgumentException("the cache holds " + cache.length() + " positions but "
                + tokens.length + " tokens were given for conversation " + conversationId);
        }
        remove(conversationId);
        long size = footprint.applyAsLong(cache);
        if (size > maxBytes) {
            return;
        }
        entries.put(conversationId, new Entry(cache, tokens.clone(), size));
        bytes += size;
        Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().getValue().bytes();
            eldest.remove();
        }
    }

    /**
     * Removes and returns the conversation's cache when its tokens are a proper prefix of {@code prompt} and it has
     * room for the rest of the prompt; any other cache of the conversation is dropped (it cannot be rolled back).
     */
    public Optional<Reuse> take(String conversationId, int[] prompt) {
        Entry e = remove(conversationId);
        if (e == null || e.tokens().length >= prompt.length || e.cache().capacity() < prompt.length
            || !Arrays.equals(e.tokens(), 0, e.tokens().length, prompt, 0, e.tokens().length)) {
            misses++;
            return Optional.empty();
        }
        hits++;
        return Optional.of(new Reuse(e.cache(), e.tokens().length));
    }

    /** Drops every kept cache. */
    public void clear() {
        entries.clear();
        bytes = 0;
    }

    private Entry remove(String conversationId) {
        Entry e = entries.remove(conversationId);
        if (e != null) {
            bytes -= e.bytes();
        }
        return e;
    }

    public long bytes() {
        return bytes;
    }

    public int size() {
        return entries.size();
    }

    public boolean contains(String conversationId) {
        return entries.containsKey(conversationId);
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }
}
