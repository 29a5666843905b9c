package dev.agentrt.cli.harmony;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a command's input file, {@code -} meaning standard input. */
final class CommandInput {
    private CommandInput() {
    }

    static String readText(String file, InputStream stdin) throws CommandFailure {
        try {
            byte[] bytes = "-".equals(file) ? stdin.readAllBytes() : Files.readAllBytes(Path.of(file));
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CommandFailure("no such file: " + file);
        } catch (IOException e) {
            throw new CommandFailure("cannot read " + file + ": " + e.getMessage());
        }
    }
}
