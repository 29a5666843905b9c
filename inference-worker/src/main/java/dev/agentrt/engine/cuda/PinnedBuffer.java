package dev.agentrt.engine.cuda;

import java.lang.foreign.MemorySegment;

/** Page-locked host memory: {@code segment} is its Java view, {@code handle} the backend's object. */
public record PinnedBuffer(MemorySegment segment, Object handle) {
    public long bytes() {
        return segment.byteSize();
    }

    void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > segment.byteSize()) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside a pinned buffer of "
                    + segment.byteSize() + " bytes");
        }
    }
}
