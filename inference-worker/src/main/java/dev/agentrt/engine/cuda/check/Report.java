package dev.agentrt.engine.cuda.check;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The device check's report: Markdown lines, echoed to stdout and rewritten to the file after every line. */
final class Report {
    private final Path file;
    private final PrintStream echo;
    private final List<String> lines = new ArrayList<>();
    private int passed;
    private int failed;

    Report(Path file, PrintStream echo) {
        this.file = file;
        this.echo = echo;
    }

    void line(String text) {
        lines.add(text);
        echo.println(text);
        echo.flush();
        if (file != null) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, String.join("\n", lines) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the report " + file, e);
            }
        }
    }

    void line(String format, Object... args) {
        line(String.format(Locale.ROOT, format, args));
    }

    void section(String title) {
        line("");
        line("## " + title);
        line("");
    }

    void check(KernelChecks.Check c) {
        if (c.passed()) {
            passed++;
        } else {
            failed++;
        }
        line("    " + c);
    }

    /** A result that does not count as a check (informational). */
    void info(KernelChecks.Check c) {
        line("    (info) " + c);
    }

    int passed() {
        return passed;
    }

    int failed() {
        return failed;
    }

    void failure(String what) {
        failed++;
        line("    FAIL  " + what);
    }
}
