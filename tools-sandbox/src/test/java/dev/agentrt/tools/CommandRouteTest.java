package dev.agentrt.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.tools.sandbox.SandboxConfig;
import dev.agentrt.tools.sandbox.SandboxRuntime;
import dev.agentrt.tools.sandbox.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Command routes from routes.yaml through the real sandbox, and sandbox.md §3.7 case 20: every
 * malformed call gets a structured error and no sandbox is started for it.
 */
class CommandRouteTest {

    static Path toolsDir;
    static Path routesFile;
    static SandboxRuntime runtime;
    static ToolExecutor executor;

    @BeforeAll
    static void start() throws IOException {
        toolsDir = Files.createTempDirectory(Path.of("/tmp"), "agentrt-test-tools",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.writeString(toolsDir.resolve("word_count.py"), """
                import json, sys
                args = json.load(sys.stdin)
                print(json.dumps({"words": len(args["text"].split()), "path": args.get("path")}))
                """);
        Files.writeString(toolsDir.resolve("fail.py"), "import sys\nprint('broken', file=sys.stderr)\nsys.exit(4)\n");
        routesFile = toolsDir.resolve("routes.yaml");
        Files.writeString(routesFile, """
                python:
                  limits: { wallMs: 5000 }
                tools:
                  functions.word_count:
                    type: command
                    command: ["/usr/bin/python3", "-I", "%1$s/word_count.py"]
                    readOnlyPaths: ["%1$s"]
                    limits: { wallMs: 3000, memoryMiB: 128 }
                    schema:
                      type: object
                      required: [text]
                      additionalProperties: false
                      properties:
                        text: { type: string, maxLength: 100000 }
                        path: { type: string, format: relative-path }
                        count: { type: integer }
                  functions.fail:
                    type: command
                    command: ["/usr/bin/python3", "-I", "%1$s/fail.py"]
                    readOnlyPaths: ["%1$s"]
                """.formatted(toolsDir));
        runtime = SandboxRuntime.start(SandboxConfig.defaults("test-routes").withUidBase(62200).withSlots(1)
                .withMinimumTier(Tier.A));
        executor = new ToolExecutor(runtime, RoutesConfig.load(routesFile), Map.of());
    }

    @AfterAll
    static void stop() throws IOException {
        runtime.close();
        try (var files = Files.list(toolsDir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(toolsDir);
    }

    @Test
    void commandRouteGetsItsArgumentsOnStdinAndReturnsStdout() {
        ToolResult r = executor.execute(new ToolCall("c1", "functions.word_count",
                "{\"text\": \"one two three\", \"path\": \"out/a.txt\"}"));
        assertThat(r.status()).isEqualTo(ToolStatus.OK);
        assertThat(r.output()).isEqualTo("{\"words\": 3, \"path\": \"out/a.txt\"}\n");
        assertThat(r.tier()).isEqualTo("A");
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void failingCommandIsAnErrorResultWithItsStderr() {
        ToolResult r = executor.execute(new ToolCall("c2", "functions.fail", "{}"));
        assertThat(r.status()).isEqualTo(ToolStatus.ERROR);
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.output()).isEqualTo("broken\n");
        assertThat(r.error()).isEqualTo("the process exited with code 4");
    }

    static Object[][] malformed() {
        String deep = "{\"text\":" + "[".repeat(1200) + "]".repeat(1200) + "}";
        String big = "{\"text\":\"" + "a".repeat(100 * 1024 * 1024) + "\"}";
        return new Object[][] {
            {"invalid JSON", "functions.word_count", "{\"text\": ", ToolStatus.BAD_ARGUMENTS, "not valid JSON"},
            {"not an object", "functions.word_count", "[1, 2]", ToolStatus.BAD_ARGUMENTS, "must be a JSON object"},
            {"trailing garbage", "functions.word_count", "{\"text\": \"a\"} x", ToolStatus.BAD_ARGUMENTS, "not valid JSON"},
            {"wrong type", "functions.word_count", "{\"text\": 5}", ToolStatus.BAD_ARGUMENTS, "must be of type string"},
            {"wrong integer", "functions.word_count", "{\"text\": \"a\", \"count\": 1.5}", ToolStatus.BAD_ARGUMENTS,
                "must be of type integer"},
            {"missing field", "functions.word_count", "{}", ToolStatus.BAD_ARGUMENTS, "missing required field 'text'"},
            {"extra field", "functions.word_count", "{\"text\": \"a\", \"rm\": 1}", ToolStatus.BAD_ARGUMENTS,
                "unexpected field 'rm'"},
            {"unknown tool", "functions.nope", "{}", ToolStatus.UNKNOWN_TOOL, "unknown tool 'functions.nope'"},
            {"deep nesting", "functions.word_count", deep, ToolStatus.BAD_ARGUMENTS, "not valid JSON"},
            {"100 MB string", "functions.word_count", big, ToolStatus.BAD_ARGUMENTS, "the limit is 262144"},
            {"10,000-digit number", "functions.word_count", "{\"text\": \"a\", \"count\": " + "9".repeat(10_000) + "}",
                ToolStatus.BAD_ARGUMENTS, "not valid JSON"},
            {"duplicate keys", "functions.word_count", "{\"text\": \"a\", \"text\": \"b\"}", ToolStatus.BAD_ARGUMENTS,
                "Duplicate field 'text'"},
            {"NUL byte", "functions.word_count", "{\"text\": \"a\\u0000b\"}", ToolStatus.BAD_ARGUMENTS, "NUL character"},
            {"lone surrogate", "functions.word_count", "{\"text\": \"a\\ud800b\"}", ToolStatus.BAD_ARGUMENTS,
                "unpaired surrogate"},
            {"path with ..", "functions.word_count", "{\"text\": \"a\", \"path\": \"x/../../etc\"}",
                ToolStatus.BAD_ARGUMENTS, "must not contain '..'"},
            {"absolute path", "functions.word_count", "{\"text\": \"a\", \"path\": \"/etc/shadow\"}",
                ToolStatus.BAD_ARGUMENTS, "relative path"},
            {"NUL in path", "functions.word_count", "{\"text\": \"a\", \"path\": \"a\\u0000\"}",
                ToolStatus.BAD_ARGUMENTS, "NUL character"},
            {"empty python code", "python", "   ", ToolStatus.BAD_ARGUMENTS, "needs code"},
            {"NUL in python code", "python", "print(1)\0", ToolStatus.BAD_ARGUMENTS, "NUL character"},
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void case20_malformedCallsAreStructuredErrorsAndStartNoSandbox(String name, String tool, String arguments,
                                                                   ToolStatus status, String message) {
        long launches = runtime.launches();
        ToolResult r = executor.execute(new ToolCall("bad", tool, arguments));
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.error()).contains(message);
        assertThat(r.exitCode()).isNull();
        assertThat(r.toJson()).startsWith("{\"callId\":\"bad\"");
        assertThat(runtime.launches()).as("no sandbox started").isEqualTo(launches);
    }

    @Test
    void routesAboveTheCeilingsOrWithUnknownKeysAreRejectedAtLoad() throws IOException {
        Path bad = toolsDir.resolve("bad-routes.yaml");
        Files.writeString(bad, "python:\n  limits: { wallMs: 120000 }\n");
        assertThatThrownBy(() -> RoutesConfig.load(bad)).hasMessageContaining("wallMs=120000 is outside [100, 60000]");
        Files.writeString(bad, "python:\n  limits: { memoryMiB: 4096 }\n");
        assertThatThrownBy(() -> RoutesConfig.load(bad)).hasMessageContaining("memoryBytes");
        Files.writeString(bad, "tools:\n  t:\n    type: command\n    command: [\"/bin/true\"]\n    shell: true\n");
        assertThatThrownBy(() -> RoutesConfig.load(bad)).hasMessageContaining("shell");
        Files.writeString(bad, "tools:\n  t:\n    type: command\n    command: [\"true\"]\n");
        assertThatThrownBy(() -> RoutesConfig.load(bad)).hasMessageContaining("absolute path");
        Files.writeString(bad, "tools:\n  t:\n    type: command\n    command: [\"/bin/true\"]\n    schema: { type: object, pattern: x }\n");
        assertThatThrownBy(() -> RoutesConfig.load(bad)).hasMessageContaining("unsupported schema keyword 'pattern'");
        Files.writeString(bad, "tools:\n  python:\n    type: command\n    command: [\"/bin/true\"]\n");
        assertThatThrownBy(() -> RoutesConfig.load(bad)).hasMessageContaining("built-in");
    }
}
