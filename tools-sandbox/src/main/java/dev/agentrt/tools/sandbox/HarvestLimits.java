package dev.agentrt.tools.sandbox;

/** Caps for collecting files the guest left in its workspace (snekbox-style harvest limits). */
public record HarvestLimits(int maxFiles, long maxFileBytes, long maxTotalBytes, int maxDepth, long maxMillis) {

    public static HarvestLimits defaults() {
        return new HarvestLimits(16, 1024 * 1024, 4 * 1024 * 1024, 8, 500);
    }

    public HarvestLimits {
        if (maxFiles < 0 || maxFileBytes < 0 || maxTotalBytes < 0 || maxDepth < 1 || maxMillis < 1) {
            throw new IllegalArgumentException("invalid harvest limits");
        }
    }
}
