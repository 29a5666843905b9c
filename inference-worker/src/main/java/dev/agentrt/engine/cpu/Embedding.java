package dev.agentrt.engine.cpu;

import dev.agentrt.model.Bf16;
import dev.agentrt.model.Bf16Matrix;

/** Token embedding: a row lookup, no scaling (spec §6.1). */
public final class Embedding {
    private final Bf16Matrix table;

    public Embedding(Bf16Matrix table) {
        this.table = table;
    }

    public void lookup(int token, float[] out, int off) {
        if (token < 0 || token >= table.rows()) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + table.rows() + ")");
        }
        long base = (long) token * table.cols();
        for (int c = 0; c < table.cols(); c++) {
            out[off + c] = Bf16.get(table.data(), base + c);
        }
    }
}
