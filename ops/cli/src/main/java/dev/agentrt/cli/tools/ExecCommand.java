package dev.agentrt.cli.tools;

import dev.agentrt.cli.KafkaClientOptions;
import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.sandbox.SandboxException;
import dev.agentrt.tools.sandbox.SandboxRuntime;
import dev.agentrt.tools.service.RemoteTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code agentrt tools exec (python --file CODE.py | ROUTE --args JSON) [--routes routes.yaml] [--bootstrap ...]}:
 * one call through the executor's code path and launcher; prints the ToolResult as JSON and exits
 * 0 whenever a result was produced, whatever its status.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = "Run one tool call in the sandbox and print the ToolResult as JSON.")
public final class ExecCommand implements Callable<Integer> {

    private static final long MAX_INPUT_BYTES = 1024 * 1024;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOOL", description = "'python' or a tool name from routes.yaml.")
    String tool;

    @Option(names = "--file", paramLabel = "CODE.py", description = "The program for the python tool.")
    Path file;

    @Option(names = "--args", paramLabel = "JSON", description = "The JSON arguments of a routed tool.")
    String args;

    @Option(names = "--routes", paramLabel = "routes.yaml", description = "Tool routes and limits.")
    Path routes;

    @Option(names = "--call-id", description = "Tool call id (default: a random UUID).")
    String callId;

    @Mixin
    SandboxOptions sandbox;

    /** Only used when routes.yaml has kafka tools. */
    @Mixin
    KafkaClientOptions kafka;

    @Override
    public Integer call() throws IOException {
        String arguments;
        if (tool.equals(RoutesConfig.PYTHON)) {
            if (file == null || args != null) {
                throw new ParameterException(spec.commandLine(), "python takes --file CODE.py (and no --args)");
            }
            if (!Files.isRegularFile(file)) {
                throw new ParameterException(spec.commandLine(), file + " is not a readable file");
            }
            if (Files.size(file) > MAX_INPUT_BYTES) {
                throw new ParameterException(spec.commandLine(), file + " is larger than 1 MiB");
            }
            try {
                arguments = Files.readString(file, StandardCharsets.UTF_8);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new ParameterException(spec.commandLine(), file + " is not valid UTF-8");
            }
        } else {
            if (args == null || file != null) {
                throw new ParameterException(spec.commandLine(), tool + " takes --args JSON (and no --file)");
            }
            arguments = args;
        }
        RoutesConfig config;
        try {
            config = routes == null ? RoutesConfig.defaults() : RoutesConfig.load(routes);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (SandboxRuntime runtime = SandboxRuntime.start(sandbox.config());
             RemoteTools remotes = RemoteTools.open(config, kafka.clientConfig())) {
            ToolExecutor executor = new ToolExecutor(runtime, config, Map.of(),
                    dev.agentrt.tools.builtin.BuiltinTools.standard(java.time.Clock.systemUTC()), remotes.byName());
            ToolResult result = executor.execute(new ToolCall(callId == null ? UUID.randomUUID().toString() : callId,
                    tool, arguments));
            spec.commandLine().getOut().println(result.toPrettyJson());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (SandboxException e) {
            // No result could be produced (e.g. the instance is locked by a running executor).
            spec.commandLine().getErr().println("agentrt tools exec: " + e.getMessage());
            return 1;
        }
    }
}
