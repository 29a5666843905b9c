package dev.agentrt.tools.sandbox;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Turns guest bytes into text the model may see: lossless UTF-8 or U+FFFD, cut with a marker. */
public final class OutputText {
    private OutputText() {
    }

    /** Decodes UTF-8, replacing invalid sequences (and so any lone surrogate) with U+FFFD. */
    public static String decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder cannot fail", e);
        }
    }

    /** Result of {@link #forModel}: the text and whether something was cut out. */
    public record View(String text, boolean truncated) {
    }

    /**
     * Keeps the head (3/4) and the tail (1/4) of the text within {@code maxBytes} UTF-8 bytes and
     * puts a marker saying how much was left out in between.
     */
    public static View forModel(String text, int maxBytes, boolean alreadyCut) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= maxBytes) {
            return alreadyCut
                    ? new View(text + "\n[output truncated: the output limit was reached]", true)
                    : new View(text, false);
        }
        int headBudget = maxBytes * 3 / 4;
        int tailBudget = maxBytes - headBudget - 64;
        int headEnd = prefixWithin(text, headBudget);
        int tailStart = suffixWithin(text, tailBudget);
        long omitted = utf8.length - (long) bytes(text.substring(0, headEnd)) - bytes(text.substring(tailStart));
        String marker = "\n[... " + omitted + " bytes truncated"
                + (alreadyCut ? "; output limit reached" : "") + " ...]\n";
        return new View(text.substring(0, headEnd) + marker + text.substring(tailStart), true);
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int prefixWithin(String text, int budget) {
        int used = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int size = utf8Length(cp);
            if (used + size > budget) {
                break;
            }
            used += size;
            i += Character.charCount(cp);
        }
        return i;
    }

    private static int suffixWithin(String text, int budget) {
        int used = 0;
        int i = text.length();
        while (i > 0) {
            int cp = text.codePointBefore(i);
            int size = utf8Length(cp);
            if (used + size > budget) {
                break;
            }
            used += size;
            i -= Character.charCount(cp);
        }
        return i;
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
}
