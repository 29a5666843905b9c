package dev.agentrt.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vectorized argmax answers exactly what the plain loop answers: first index of the maximum, NaNs skipped. */
class SamplerArgmaxTest {

    private static int plain(float[] v, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[i] > v[best]) best = i;
        }
        return best;
    }

    @Test
    void matchesThePlainLoopOnRandomRowsOfEveryLength() {
        var random = new SplittableRandom(7);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, -1e9f, 3f};
        for (int round = 0; round < 20_000; round++) {
            int n = 1 + random.nextInt(round < 10_000 ? 80 : 3000);
            float[] v = new float[n];
            int distinct = 1 + random.nextInt(6); // few distinct values: many ties
            for (int i = 0; i < n; i++) {
                v[i] = random.nextInt(10) == 0 ? specials[random.nextInt(specials.length)] : random.nextInt(distinct);
            }
            int limit = random.nextBoolean() ? n : random.nextInt(n) + 1;
            assertThat(Sampler.argmax(v, limit)).as("row %d of %d", round, n).isEqualTo(plain(v, limit));
        }
    }

    @Test
    void oneHotRowOfTheFullVocabulary() {
        float[] v = new float[201_088];
        java.util.Arrays.fill(v, -1e9f);
        for (int hot : new int[] {0, 1, 7, 8, 15, 16, 200_012, 201_087}) {
            v[hot] = 0f;
            assertThat(Sampler.argmax(v, v.length)).isEqualTo(hot);
            assertThat(new Sampler(SamplingParams.greedy(), v.length).sample(v)).isEqualTo(hot);
            v[hot] = -1e9f;
        }
    }
}
