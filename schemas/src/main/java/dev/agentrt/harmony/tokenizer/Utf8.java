package dev.agentrt.harmony.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 validation with the exact semantics of Rust's {@code std::str::from_utf8}: the length of the
 * longest valid prefix and the {@code error_len} of the first problem (harmony-format.md §6.2). The
 * streaming parser depends on these numbers to emit U+FFFD exactly where the reference does.
 */
public final class Utf8 {
    /** U+FFFD REPLACEMENT CHARACTER. */
    public static final String REPLACEMENT = "\uFFFD";

    /**
     * The result of checking {@code bytes[0..length)}.
     *
     * @param validUpTo   length of the longest valid prefix ({@code == length} when all is valid)
     * @param errorLength 0 when the bytes end in an incomplete but so-far-valid sequence (Rust {@code None}),
     *                    otherwise the length of the maximal invalid subpart (1 … 3); irrelevant when valid
     */
    public record Check(int validUpTo, int errorLength) {
        public boolean isValid(int length) {
            return validUpTo == length;
        }
    }

    private Utf8() {
    }

    public static Check check(byte[] bytes, int length) {
        int i = 0;
        while (i < length) {
            int lead = bytes[i] & 0xFF;
            if (lead < 0x80) {
                i++;
                continue;
            }
            int width;
            int secondLow = 0x80;
            int secondHigh = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                width = 2;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                width = 3;
                if (lead == 0xE0) {
                    secondLow = 0xA0;
                } else if (lead == 0xED) {
                    secondHigh = 0x9F;
                }
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                width = 4;
                if (lead == 0xF0) {
                    secondLow = 0x90;
                } else if (lead == 0xF4) {
                    secondHigh = 0x8F;
                }
            } else {
                return new Check(i, 1);
            }
            // Walk the continuation bytes; the error length counts the bytes that were valid so far.
            for (int k = 1; k < width; k++) {
                if (i + k >= length) {
                    return new Check(i, 0);
                }
                int b = bytes[i + k] & 0xFF;
                int low = k == 1 ? secondLow : 0x80;
                int high = k == 1 ? secondHigh : 0xBF;
                if (b < low || b > high) {
                    return new Check(i, k);
                }
            }
            i += width;
        }
        return new Check(length, 0);
    }

    public static boolean isValid(byte[] bytes) {
        return check(bytes, bytes.length).isValid(bytes.length);
    }

    /**
     * Decodes like Rust's {@code String::from_utf8_lossy}: each maximal invalid subpart, and an incomplete
     * sequence at the end, becomes one U+FFFD.
     */
    public static String decodeLossy(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder(length);
        appendLossy(bytes, 0, length, out);
        return out.toString();
    }

    public static void appendLossy(byte[] bytes, int from, int to, StringBuilder out) {
        int offset = from;
        while (offset < to) {
            byte[] rest = offset == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, offset, to);
            int restLength = to - offset;
            Check c = check(rest, restLength);
            out.append(new String(rest, 0, c.validUpTo(), StandardCharsets.UTF_8));
            if (c.isValid(restLength)) {
                return;
            }
            out.append(REPLACEMENT);
            offset += c.validUpTo() + (c.errorLength() == 0 ? restLength - c.validUpTo() : c.errorLength());
        }
    }
}
