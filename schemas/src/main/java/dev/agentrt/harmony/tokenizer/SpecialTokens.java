package dev.agentrt.harmony.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The special-token table of {@code o200k_harmony} (harmony-format.md §1.2): ids 199,998 … 201,088.
 * Every id not named explicitly is {@code <|reserved_N|>} with N = the id.
 */
public final class SpecialTokens {
    public static final int START_OF_TEXT = 199_998;
    public static final int END_OF_TEXT = 199_999;
    public static final int RETURN = 200_002;
    public static final int CONSTRAIN = 200_003;
    public static final int CHANNEL = 200_005;
    public static final int START = 200_006;
    public static final int END = 200_007;
    public static final int MESSAGE = 200_008;
    public static final int CALL = 200_012;

    /** First and last id of the special range (inclusive, as in the Rust encoding). */
    public static final int FIRST_ID = START_OF_TEXT;
    public static final int LAST_ID = 201_088;

    /** Stops the parser: any of these ends the current message. */
    public static final Set<Integer> STOP_TOKENS = Set.of(RETURN, CALL, END);
    /** Stops sampling: {@code <|end|>} is not one, the model continues after an analysis message. */
    public static final Set<Integer> STOP_TOKENS_FOR_ASSISTANT_ACTIONS = Set.of(RETURN, CALL);

    private static final Map<Integer, String> NAMED = Map.of(
        START_OF_TEXT, "<|startoftext|>",
        END_OF_TEXT, "<|endoftext|>",
        RETURN, "<|return|>",
        CONSTRAIN, "<|constrain|>",
        CHANNEL, "<|channel|>",
        START, "<|start|>",
        END, "<|end|>",
        MESSAGE, "<|message|>",
        CALL, "<|call|>");

    private static final String[] TEXT_BY_OFFSET = new String[LAST_ID - FIRST_ID + 1];
    private static final Map<String, Integer> ID_BY_TEXT = new HashMap<>(2 * TEXT_BY_OFFSET.length);

    static {
        for (int id = FIRST_ID; id <= LAST_ID; id++) {
            String text = NAMED.getOrDefault(id, "<|reserved_" + id + "|>");
            TEXT_BY_OFFSET[id - FIRST_ID] = text;
            ID_BY_TEXT.put(text, id);
        }
    }

    private SpecialTokens() {
    }

    public static boolean isSpecial(int id) {
        return id >= FIRST_ID && id <= LAST_ID;
    }

    public static boolean isStop(int id) {
        return id == END || id == RETURN || id == CALL;
    }

    /** The literal text of a special id, e.g. {@code <|start|>}; throws for a non-special id. */
    public static String text(int id) {
        if (!isSpecial(id)) {
            throw new IllegalArgumentException("not a special token id: " + Integer.toUnsignedString(id));
        }
        return TEXT_BY_OFFSET[id - FIRST_ID];
    }

    /** The id of a special token text, or -1 when the text is not exactly one special token. */
    public static int idOf(String text) {
        Integer id = ID_BY_TEXT.get(text);
        return id == null ? -1 : id;
    }

    /** The whole table (text → id), e.g. for registering it with jtokkit. */
    static Map<String, Integer> table() {
        return Map.copyOf(ID_BY_TEXT);
    }
}
