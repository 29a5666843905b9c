package dev.agentrt.engine.cpu.bench;

import dev.agentrt.engine.cpu.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures streaming-read bandwidth the way decode reads weights: all threads of the pool sum disjoint parts of
 * an off-heap buffer much larger than the caches with the Vector API. Returns the best of several passes, in bytes/s.
 */
public final class BandwidthProbe {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private BandwidthProbe() {
    }

    public static double measure(Parallel pool, long bytes, int passes) {
        try (Arena arena = Arena.ofShared()) {
            long floats = bytes / 4 / (F.length() * 64L) * (F.length() * 64L);
            MemorySegment buf = arena.allocate(floats * 4, 64);
            for (long i = 0; i < floats; i += 1024) {
                buf.set(ValueLayout.JAVA_FLOAT, i * 4, i);
            }
            int chunks = pool.threads() * 64;
            long perChunk = floats / chunks;
            float[] sink = new float[pool.threads()];
            double best = 0;
            for (int p = 0; p < passes; p++) {
                long start = System.nanoTime();
                pool.run(chunks, 1, (worker, c0, c1) -> {
                    FloatVector acc = FloatVector.zero(F);
                    for (int c = c0; c < c1; c++) {
                        long from = c * perChunk * 4;
                        long to = from + perChunk * 4;
                        for (long off = from; off < to; off += F.vectorByteSize()) {
                            acc = acc.add(FloatVector.fromMemorySegment(F, buf, off, ByteOrder.LITTLE_ENDIAN));
                        }
                    }
                    sink[worker] += acc.lane(0);
                });
                double seconds = (System.nanoTime() - start) / 1e9;
                best = Math.max(best, chunks * perChunk * 4 / seconds);
            }
            if (Float.isNaN(sink[0])) {
                throw new IllegalStateException("unreachable: keeps the sums alive");
            }
            return best;
        }
    }
}
