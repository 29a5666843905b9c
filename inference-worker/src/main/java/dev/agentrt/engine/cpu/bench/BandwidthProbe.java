package dev.agentrt.engine.cpu.bench;

import dev.agentrt.engine.cpu.Parallel;
import dev.agentrt.model.ResidentMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures streaming-read bandwidth the way decode reads weights: all threads of the pool sum disjoint parts of
 * a buffer much larger than the caches with the Vector API, in memory like the resident weights' ({@link
 * ResidentMemory}: 2 MB pages where available) and with four independent sums so that add latency does not cap
 * the rate. Returns the best of several passes, in bytes/s.
 */
public final class BandwidthProbe {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private BandwidthProbe() {
    }

    public static double measure(Parallel pool, long bytes, int passes) {
        try (Arena arena = Arena.ofShared()) {
            long floats = bytes / 4 / (F.length() * 64L) * (F.length() * 64L);
            MemorySegment buf = ResidentMemory.allocate(floats * 4, arena);
            for (long i = 0; i < floats; i += 1024) {
                buf.set(ValueLayout.JAVA_FLOAT, i * 4, i);
            }
            int chunks = pool.threads() * 64;
            long perChunk = floats / chunks / (4L * F.length()) * (4L * F.length()); // whole unrolled steps
            float[] sink = new float[pool.threads()];
            double best = 0;
            for (int p = 0; p < passes; p++) {
                long start = System.nanoTime();
                pool.run(chunks, 1, (worker, c0, c1) -> {
                    FloatVector a0 = FloatVector.zero(F);
                    FloatVector a1 = FloatVector.zero(F);
                    FloatVector a2 = FloatVector.zero(F);
                    FloatVector a3 = FloatVector.zero(F);
                    int step = F.vectorByteSize();
                    for (int c = c0; c < c1; c++) {
                        long from = c * perChunk * 4;
                        long to = from + perChunk * 4;
                        for (long off = from; off < to; off += 4L * step) {
                            a0 = a0.add(FloatVector.fromMemorySegment(F, buf, off, ByteOrder.LITTLE_ENDIAN));
                            a1 = a1.add(FloatVector.fromMemorySegment(F, buf, off + step, ByteOrder.LITTLE_ENDIAN));
                            a2 = a2.add(FloatVector.fromMemorySegment(F, buf, off + 2L * step, ByteOrder.LITTLE_ENDIAN));
                            a3 = a3.add(FloatVector.fromMemorySegment(F, buf, off + 3L * step, ByteOrder.LITTLE_ENDIAN));
                        }
                    }
                    sink[worker] += a0.add(a1).add(a2.add(a3)).lane(0);
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
