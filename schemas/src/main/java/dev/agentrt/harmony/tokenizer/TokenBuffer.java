package dev.agentrt.harmony.tokenizer;

import java.util.Arrays;

/** A growable list of primitive token ids; avoids boxing on the render and parse hot paths. */
public final class TokenBuffer {
    private int[] ids;
    private int size;

    public TokenBuffer() {
        this(64);
    }

    public TokenBuffer(int initialCapacity) {
        ids = new int[Math.max(4, initialCapacity)];
    }

    public void add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, ids.length * 2);
        }
        ids[size++] = id;
    }

    public void addAll(int[] more) {
        addAll(more, 0, more.length);
    }

    public void addAll(int[] more, int from, int to) {
        int n = to - from;
        if (size + n > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(ids.length * 2, size + n));
        }
        System.arraycopy(more, from, ids, size, n);
        size += n;
    }

    public int get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " out of " + size);
        }
        return ids[index];
    }

    public void set(int index, int id) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " out of " + size);
        }
        ids[index] = id;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void clear() {
        size = 0;
    }

    public int[] toArray() {
        return Arrays.copyOf(ids, size);
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
