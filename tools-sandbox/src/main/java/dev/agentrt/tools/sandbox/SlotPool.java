package dev.agentrt.tools.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.logging.Logger;

/**
 * The bounded pool of slots: its size is the executor's concurrency limit. A full pool answers
 * "busy" at once instead of queueing; a slot that fails its post-call check is retired for good.
 */
public final class SlotPool {

    private static final Logger LOG = Logger.getLogger(SlotPool.class.getName());

    /** A slot taken out of service, with the reason, for alerting. */
    public record RetiredSlot(Slot slot, String reason) {
    }

    private final BlockingQueue<Slot> free;
    private final List<RetiredSlot> retired = new ArrayList<>();
    private final int capacity;

    public SlotPool(List<Slot> slots) {
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("a slot pool needs at least one slot");
        }
        this.capacity = slots.size();
        this.free = new ArrayBlockingQueue<>(slots.size(), true, slots);
    }

    public Optional<Slot> tryAcquire() {
        return Optional.ofNullable(free.poll());
    }

    public void release(Slot slot) {
        if (!free.offer(slot)) {
            throw new IllegalStateException("slot released twice: " + slot.index());
        }
    }

    public void retire(Slot slot, String reason) {
        LOG.severe(() -> "sandbox slot " + slot.index() + " (uid " + slot.uid() + ") retired: " + reason);
        synchronized (retired) {
            retired.add(new RetiredSlot(slot, reason));
        }
    }

    public List<RetiredSlot> retired() {
        synchronized (retired) {
            return List.copyOf(retired);
        }
    }

    public int capacity() {
        return capacity;
    }

    public int available() {
        return free.size();
    }
}
