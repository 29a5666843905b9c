package dev.agentrt.harmony;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads the openai/harmony golden files the way both reference suites do (harmony-format.md §9). */
public final class Fixtures {
    private Fixtures() {
    }

    /** UTF-8, {@code \r\n} → {@code \n}, trailing whitespace stripped. */
    public static String text(String name) {
        return stripTrailing(raw(name).replace("\r\n", "\n"));
    }

    public static String raw(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/harmony-fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of whitespace-separated token ids. */
    public static int[] tokenIds(String name) {
        return Arrays.stream(text(name).trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
    }

    /** Python {@code str.rstrip()}: strips trailing Unicode whitespace. */
    static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
