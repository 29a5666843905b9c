package dev.agentrt.tools.sandbox;

import java.util.Arrays;

/**
 * stdout and stderr as they arrive, kept up to a fixed number of bytes. The first write that
 * does not fit marks the buffer full; the caller then kills the guest.
 */
final class BoundedOutput {
    private final byte[] buffer;
    private int length;
    private boolean overflowed;

    BoundedOutput(int capacity) {
        this.buffer = new byte[capacity];
    }

    /** Appends what fits; returns false once the cap has been exceeded. */
    synchronized boolean append(byte[] chunk, int offset, int count) {
        int room = buffer.length - length;
        int kept = Math.min(room, count);
        System.arraycopy(chunk, offset, buffer, length, kept);
        length += kept;
        if (kept < count) {
            overflowed = true;
        }
        return !overflowed;
    }

    synchronized boolean overflowed() {
        return overflowed;
    }

    /** Replaces the content with a complete second reading (tier B re-reads a broken log stream). */
    synchronized void replaceWith(byte[] bytes, boolean overflowedToo) {
        length = Math.min(bytes.length, buffer.length);
        System.arraycopy(bytes, 0, buffer, 0, length);
        overflowed = overflowedToo || bytes.length > buffer.length;
    }

    synchronized byte[] bytes() {
        return Arrays.copyOf(buffer, length);
    }
}
