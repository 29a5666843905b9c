package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Small helpers for cgroupfs and procfs files (short text, written in one call). */
final class SysFiles {
    private SysFiles() {
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String readOrNull(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    static void write(Path file, String value) {
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write '" + value + "' to " + file, e);
        }
    }

    /** The value of a "key value" line in a flat-keyed file such as memory.events, or -1. */
    static long keyedValue(Path file, String key) {
        String text = readOrNull(file);
        if (text == null) {
            return -1;
        }
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals(key)) {
                return Long.parseLong(parts[1]);
            }
        }
        return -1;
    }

    static long longValue(Path file) {
        String text = readOrNull(file);
        if (text == null || text.isBlank()) {
            return -1;
        }
        return Long.parseLong(text.trim());
    }
}
