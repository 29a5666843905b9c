package dev.agentrt.model.synth;

import java.io.PrintWriter;
import java.util.function.LongConsumer;

/** A one-line text progress bar for long writes (redrawn at most once per whole percent). */
public final class ProgressBar implements LongConsumer {
    private static final int WIDTH = 40;
    private final PrintWriter out;
    private final long total;
    private final String label;
    private final long start = System.nanoTime();
    private int lastPercent = -1;

    public ProgressBar(PrintWriter out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    @Override
    public void accept(long done) {
        int percent = (int) (100 * done / total);
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("\r%s [%s%s] %3d%% %,.1f/%,.1f GB %.0f MB/s", label, "#".repeat(filled), " ".repeat(WIDTH - filled),
                percent, done / 1e9, total / 1e9, done / 1e6 / Math.max(seconds, 1e-3));
        if (done >= total) {
            out.println();
        }
        out.flush();
    }
}
