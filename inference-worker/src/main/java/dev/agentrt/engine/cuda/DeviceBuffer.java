package dev.agentrt.engine.cuda;

/**
 * A range of device memory: its address (what kernels receive) and size. {@code handle} is the backend's object of
 * the whole allocation and {@code handleOffset} where this range starts in it (copies go through the handle).
 * Allocations are freed by the {@link Gpu} that made them; slices are never freed on their own.
 */
public record DeviceBuffer(long address, long bytes, Object handle, long handleOffset) {
    public DeviceBuffer(long address, long bytes, Object handle) {
        this(address, bytes, handle, 0);
    }

    /** The address {@code offset} bytes in, checked against the size. */
    public long at(long offset) {
        if (offset < 0 || offset > bytes) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside a device buffer of " + bytes + " bytes");
        }
        return address + offset;
    }

    /** Bytes {@code [offset, offset + length)} of this range. */
    public DeviceBuffer slice(long offset, long length) {
        check(offset, length);
        return new DeviceBuffer(address + offset, length, handle, handleOffset + offset);
    }

    void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > bytes) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside a device buffer of "
                    + bytes + " bytes");
        }
    }
}
