package dev.agentrt.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentrt.tools.StrictJson.BadArgumentsException;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.tools.sandbox.HarvestLimits;
import dev.agentrt.tools.sandbox.HarvestedFile;
import dev.agentrt.tools.sandbox.KillReason;
import dev.agentrt.tools.sandbox.LaunchResult;
import dev.agentrt.tools.sandbox.OutputText;
import dev.agentrt.tools.sandbox.SandboxLimits;
import dev.agentrt.tools.sandbox.SandboxRuntime;
import dev.agentrt.tools.sandbox.SandboxRuntime.Execution;
import dev.agentrt.tools.sandbox.SandboxSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ToolCall} into a {@link ToolResult}: validation first (no sandbox starts for a
 * malformed call), then the route: the built-in python tool and command tools through the
 * sandbox, http and kafka tools through their {@link RemoteTool}, trusted functions and builtins
 * in-process. The one code path of the service and the CLI.
 */
public final class ToolExecutor {

    /** Debian's interpreter; a pyenv shim under /root is not reachable inside the sandbox. */
    public static final String PYTHON_BINARY = "/usr/bin/python3";
    public static final int MAX_CODE_BYTES = 256 * 1024;
    /** Tier reported by trusted functions and builtins: they run in the executor, outside any sandbox. */
    public static final String IN_PROCESS_TIER = dev.agentrt.tools.sandbox.Tier.D.name();

    private final SandboxRuntime sandbox;
    private final RoutesConfig routes;
    private final Map<String, TrustedFunction> functions;
    private final BuiltinTools builtins;
    private final Map<String, RemoteTool> remotes;

    public ToolExecutor(SandboxRuntime sandbox, RoutesConfig routes, Map<String, TrustedFunction> functions) {
        this(sandbox, routes, functions, new BuiltinTools(List.of()));
    }

    /** {@code builtins}: Java tools (calculator, units, time) that run in-process on validated arguments. */
    public ToolExecutor(SandboxRuntime sandbox, RoutesConfig routes, Map<String, TrustedFunction> functions,
                        BuiltinTools builtins) {
        this(sandbox, routes, functions, builtins, Map.of());
    }

    /**
     * {@code remotes}: the client of every {@code http} and {@code kafka} route of {@code routes}, by
     * tool name (the caller owns and closes them).
     */
    public ToolExecutor(SandboxRuntime sandbox, RoutesConfig routes, Map<String, TrustedFunction> functions,
                        BuiltinTools builtins, Map<String, RemoteTool> remotes) {
        this.sandbox = sandbox;
        this.routes = routes;
        this.functions = Map.copyOf(functions);
        this.builtins = builtins;
        this.remotes = Map.copyOf(remotes);
        routes.tools().forEach((name, route) -> {
            boolean remote = !(route instanceof CommandRoute);
            if (remote != remotes.containsKey(name)) {
                throw new IllegalArgumentException(remote
                        ? "tool '" + name + "' is a " + route.getClass().getSimpleName() + " without a client"
                        : "tool '" + name + "' is a command route and cannot have a remote client");
            }
        });
        remotes.keySet().forEach(name -> {
            if (!routes.tools().containsKey(name)) {
                throw new IllegalArgumentException("remote client '" + name + "' has no route in routes.yaml");
            }
        });
        var names = new java.util.HashSet<String>(functions.keySet());
        builtins.all().forEach(b -> names.add(b.recipient()));
        for (String name : names) {
            if (name.equals(RoutesConfig.PYTHON) || routes.tools().containsKey(name)
                || (functions.containsKey(name) && builtins.find(name).isPresent())) {
                throw new IllegalArgumentException("tool '" + name + "' is defined twice");
            }
        }
    }

    public ToolResult execute(ToolCall call) {
        String tier = sandbox.tier().name();
        if (call.recipient().equals(RoutesConfig.PYTHON) && routes.python().enabled()) {
            return python(call, tier);
        }
        ToolRoute route = routes.route(call.recipient());
        if (route != null) {
            return routed(call, route, tier);
        }
        TrustedFunction function = functions.get(call.recipient());
        if (function != null) {
            return trusted(call, function, IN_PROCESS_TIER);
        }
        if (builtins.find(call.recipient()).isPresent()) {
            return builtin(builtins, call);
        }
        return ToolResult.refused(call, ToolStatus.UNKNOWN_TOOL, "unknown tool '" + printable(call.recipient())
                + "'; available: " + available(), tier);
    }

    private String available() {
        List<String> names = new java.util.ArrayList<>();
        if (routes.python().enabled()) {
            names.add(RoutesConfig.PYTHON);
        }
        names.addAll(routes.tools().keySet());
        names.addAll(functions.keySet());
        builtins.all().forEach(b -> names.add(b.recipient()));
        return String.join(", ", names.stream().sorted().toList());
    }

    private ToolResult python(ToolCall call, String tier) {
        String code = call.arguments();
        try {
            if (code.isBlank()) {
                throw new BadArgumentsException("the python tool needs code in the message");
            }
            StrictJson.checkString(code, "the code");
            if (code.getBytes(StandardCharsets.UTF_8).length > MAX_CODE_BYTES) {
                throw new BadArgumentsException("the code is larger than " + MAX_CODE_BYTES + " bytes");
            }
        } catch (BadArgumentsException e) {
            return ToolResult.refused(call, ToolStatus.BAD_ARGUMENTS, e.getMessage(), tier);
        }
        PythonToolSettings settings = routes.python();
        SandboxLimits limits = settings.limits().resolve();
        // -I: isolated (no user site, no env vars, no cwd on sys.path); "-": the program comes on stdin.
        SandboxSpec spec = new SandboxSpec(List.of(PYTHON_BINARY, "-I", "-u", "-"),
                code.getBytes(StandardCharsets.UTF_8), limits, List.of(), Map.of(),
                settings.harvest() ? HarvestLimits.defaults() : null);
        return run(call, spec, tier);
    }

    private ToolResult routed(ToolCall call, ToolRoute route, String sandboxTier) {
        String tier = route instanceof CommandRoute ? sandboxTier : RemoteTool.TIER;
        JsonNode arguments;
        try {
            arguments = StrictJson.parseObject(call.arguments(), route.maxArgumentBytes());
            if (route.schema() != null) {
                ArgumentSchema.validate(route.schema(), arguments);
            }
        } catch (BadArgumentsException e) {
            return ToolResult.refused(call, ToolStatus.BAD_ARGUMENTS, e.getMessage(), tier);
        }
        return switch (route) {
            case CommandRoute command -> command(call, command, arguments, tier);
            case HttpRouteSettings http -> remotes.get(call.recipient()).call(call, arguments);
            case KafkaRouteSettings kafka -> remotes.get(call.recipient()).call(call, arguments);
        };
    }

    private ToolResult command(ToolCall call, CommandRoute route, JsonNode arguments, String tier) {
        SandboxSpec spec = new SandboxSpec(route.command(),
                StrictJson.write(arguments).getBytes(StandardCharsets.UTF_8), route.limits().resolve(),
                route.readOnlyPaths().stream().map(Path::of).toList(), Map.of(), null);
        return run(call, spec, tier);
    }

    private ToolResult trusted(ToolCall call, TrustedFunction function, String tier) {
        JsonNode arguments;
        try {
            arguments = StrictJson.parseObject(call.arguments(), CommandRoute.MAX_ARGUMENT_BYTES);
        } catch (BadArgumentsException e) {
            return ToolResult.refused(call, ToolStatus.BAD_ARGUMENTS, e.getMessage(), tier);
        }
        long start = System.nanoTime();
        try {
            String text = function.call(arguments);
            OutputText.View view = OutputText.forModel(text == null ? "" : text,
                    SandboxLimits.defaults().modelOutputBytes(), false);
            return new ToolResult(call.callId(), call.recipient(), ToolStatus.OK, null, null, view.text(), null,
                    view.truncated(), (System.nanoTime() - start) / 1_000_000, -1, -1, tier, List.of());
        } catch (Exception e) {
            return new ToolResult(call.callId(), call.recipient(), ToolStatus.ERROR, null, null, "",
                    "tool failed: " + e.getMessage(), false, (System.nanoTime() - start) / 1_000_000, -1, -1, tier,
                    List.of());
        }
    }

    /**
     * A call to one of {@code builtins}, run in process: what {@link #execute} does for a builtin's recipient. Needs
     * no sandbox, so in-process drivers of the loop (e.g. {@code agentrt eval}) answer calls exactly as the service.
     */
    public static ToolResult builtin(BuiltinTools builtins, ToolCall call) {
        String tier = IN_PROCESS_TIER;
        long start = System.nanoTime();
        BuiltinTools.Outcome outcome = builtins.call(call.recipient(), call.arguments());
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        ToolStatus status = switch (outcome.status()) {
            case OK -> ToolStatus.OK;
            case BAD_ARGUMENTS -> ToolStatus.BAD_ARGUMENTS;
            case ERROR -> ToolStatus.ERROR;
            case UNKNOWN_TOOL -> ToolStatus.UNKNOWN_TOOL;
        };
        boolean ok = status == ToolStatus.OK;
        return new ToolResult(call.callId(), call.recipient(), status, null, null, ok ? outcome.text() : "",
                ok ? null : outcome.text(), false, wallMs, -1, -1, tier, List.of());
    }

    private ToolResult run(ToolCall call, SandboxSpec spec, String tier) {
        Execution execution = sandbox.run(spec);
        return switch (execution) {
            case Execution.Unavailable u -> ToolResult.refused(call, ToolStatus.SANDBOX_UNAVAILABLE,
                    "code execution is disabled on this executor: " + u.reason(), u.tier().name());
            case Execution.Busy b -> ToolResult.refused(call, ToolStatus.BUSY,
                    "all " + b.slots() + " sandbox slots are busy; retry later", tier);
            case Execution.Failed f -> ToolResult.refused(call, ToolStatus.ERROR,
                    "the sandbox failed to run this call: " + f.reason(), f.tier().name());
            case Execution.Ran ran -> toResult(call, spec.limits(), ran.result());
        };
    }

    /** Maps a finished guest run to the result the model sees (public for the hostile-input tests). */
    public static ToolResult toResult(ToolCall call, SandboxLimits limits, LaunchResult r) {
        String signal = r.signal() > 0 ? SignalNames.name(r.signal()) : null;
        OutputText.View view = OutputText.forModel(OutputText.decode(r.output()), limits.modelOutputBytes(),
                r.outputCapHit());
        ToolStatus status;
        String error = null;
        if (r.setupError() != null) {
            status = ToolStatus.ERROR;
            error = "sandbox setup failed: " + r.setupError();
            view = new OutputText.View("", false);
        } else if (r.killReason() == KillReason.OUTPUT_CAP || r.outputCapHit()) {
            status = ToolStatus.OUTPUT_LIMIT;
            error = "output exceeded " + limits.outputBytes() + " bytes; the process was killed";
        } else if (r.killReason() == KillReason.CPU_BUDGET) {
            status = ToolStatus.CPU_LIMIT;
            error = "CPU budget of " + limits.cpuMs() + " ms used up; the process was killed";
        } else if (r.killReason() == KillReason.WALL_CLOCK) {
            status = ToolStatus.TIMEOUT;
            error = "wall-clock limit of " + limits.wallMs() + " ms exceeded; the process was killed";
        } else if (r.killReason() == KillReason.EXECUTOR_SHUTDOWN) {
            status = ToolStatus.ERROR;
            error = "the executor shut down during the call";
        } else if (r.oomKilled()) {
            status = ToolStatus.MEMORY_LIMIT;
            error = "memory limit of " + limits.memoryBytes() / (1024 * 1024) + " MiB exceeded; the process was killed";
        } else if (r.cpuLimitHit() && (r.signal() == 9 || r.signal() == 24)) {
            status = ToolStatus.CPU_LIMIT;
            error = "CPU budget of " + limits.cpuMs() + " ms used up; the process was killed";
        } else if (r.exitCode() == 0) {
            status = ToolStatus.OK;
        } else {
            status = ToolStatus.ERROR;
            error = signal != null ? "the process died by " + signal : "the process exited with code " + r.exitCode();
        }
        List<ToolResult.ResultFile> files = r.files().stream().map(ToolExecutor::resultFile).toList();
        return new ToolResult(call.callId(), call.recipient(), status, r.exitCode(), signal, view.text(), error,
                view.truncated(), r.wallMs(), r.cpuMs(), r.peakMemoryBytes(), r.tier().name(), files);
    }

    private static ToolResult.ResultFile resultFile(HarvestedFile file) {
        byte[] content = file.content();
        return new ToolResult.ResultFile(file.path(), content.length, Base64.getEncoder().encodeToString(content));
    }

    private static String printable(String name) {
        String cut = name.length() > 128 ? name.substring(0, 128) + "..." : name;
        return cut.replaceAll("[\\p{Cntrl}\\p{Cs}]", "?");
    }
}
