package dev.agentrt.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.kv.KvCache;
import org.junit.jupiter.api.Test;

class KvCacheAffinityTest {
    /** A cache whose footprint is its capacity in bytes. */
    static final class FixedCache implements KvCache {
        final int capacity;
        int length;

        FixedCache(int capacity, int length) {
            this.capacity = capacity;
            this.length = length;
        }

        @Override public int length() { return length; }
        @Override public int capacity() { return capacity; }
        @Override public void reset() { length = 0; }
    }

    private final KvCacheAffinity affinity = new KvCacheAffinity(100, KvCache::capacity);

    @Test
    void reusesOnlyACacheWhoseTokensAreAProperPrefixOfTheNewPrompt() {
        affinity.put("a", new FixedCache(40, 3), new int[] {1, 2, 3});
        assertThat(affinity.take("a", new int[] {1, 2, 3, 4, 5})).get()
            .satisfies(r -> assertThat(r.cachedTokens()).isEqualTo(3));
        assertThat(affinity.contains("a")).as("handed out once").isFalse();

        affinity.put("b", new FixedCache(40, 3), new int[] {1, 2, 3});
        assertThat(affinity.take("b", new int[] {1, 9, 3, 4})).isEmpty();
        assertThat(affinity.contains("b")).as("a mismatching cache is dropped").isFalse();

        affinity.put("c", new FixedCache(40, 3), new int[] {1, 2, 3});
        assertThat(affinity.take("c", new int[] {1, 2, 3})).as("no new token to prefill").isEmpty();

        affinity.put("d", new FixedCache(4, 3), new int[] {1, 2, 3});
        assertThat(affinity.take("d", new int[] {1, 2, 3, 4, 5})).as("no room for the new prompt").isEmpty();
        assertThat(affinity.hits()).isEqualTo(1);
        assertThat(affinity.misses()).isEqualTo(3);
    }

    @Test
    void evictsLeastRecentlyUsedToStayWithinTheByteBudget() {
        affinity.put("a", new FixedCache(40, 1), new int[] {1});
        affinity.put("b", new FixedCache(40, 1), new int[] {2});
        affinity.put("a", new FixedCache(40, 1), new int[] {1}); // replaces a, now most recent
        assertThat(affinity.bytes()).isEqualTo(80);
        affinity.put("c", new FixedCache(40, 1), new int[] {3});
        assertThat(affinity.contains("b")).isFalse();
        assertThat(affinity.contains("a")).isTrue();
        assertThat(affinity.contains("c")).isTrue();
        assertThat(affinity.bytes()).isEqualTo(80);
        affinity.put("huge", new FixedCache(101, 1), new int[] {4});
        assertThat(affinity.contains("huge")).as("larger than the whole budget").isFalse();
        assertThat(affinity.size()).isEqualTo(2);
    }

    @Test
    void rejectsTokensThatDoNotMatchTheCacheLength() {
        assertThatThrownBy(() -> affinity.put("a", new FixedCache(40, 2), new int[] {1}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds 2 positions");
    }
}
