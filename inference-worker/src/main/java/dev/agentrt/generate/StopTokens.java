package dev.agentrt.generate;

import java.util.Arrays;

/** Token ids that end a completion (spec §9); the stop token itself is emitted. */
public record StopTokens(int[] ids) {
    public static final int END_OF_TEXT = 199999;
    public static final int RETURN = 200002;
    public static final int CALL = 200012;

    /** {@code <|return|>}, {@code <|call|>} and {@code <|endoftext|>}. */
    public static final StopTokens HARMONY = new StopTokens(new int[] {RETURN, CALL, END_OF_TEXT});
    public static final StopTokens NONE = new StopTokens(new int[0]);

    public StopTokens {
        ids = ids.clone();
    }

    public boolean isStop(int token) {
        for (int id : ids) {
            if (id == token) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "StopTokens" + Arrays.toString(ids);
    }
}
