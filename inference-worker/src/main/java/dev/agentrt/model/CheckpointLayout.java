package dev.agentrt.model;

/** The two directory layouts of spec §1: {@code original/} (reference names) and top-level Hugging Face. */
public enum CheckpointLayout {
    ORIGINAL, HF;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
