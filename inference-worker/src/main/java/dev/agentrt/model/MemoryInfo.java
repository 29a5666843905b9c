package dev.agentrt.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The memory the kernel could give this process now ({@code MemAvailable}, page cache included). */
final class MemoryInfo {
    /** Left free beside resident weights: the JVM heap, KV caches and the rest of the process. */
    static final long HEADROOM = 1L << 30;

    private MemoryInfo() {
    }

    /** Bytes available, or -1 where unknown (not Linux). */
    static long availableBytes() {
        Path meminfo = Path.of("/proc/meminfo");
        if (!Files.isReadable(meminfo)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.substring("MemAvailable:".length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
