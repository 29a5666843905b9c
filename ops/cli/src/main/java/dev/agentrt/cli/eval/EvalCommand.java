package dev.agentrt.cli.eval;

import dev.agentrt.cli.demo.DefaultModel;
import dev.agentrt.cli.demo.LocalStack;
import dev.agentrt.engine.Engine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code agentrt eval}: runs a file of cases through the Java engine, the worker's decoder and Harmony parser, the
 * loop's rules and the builtin tools (in process, or with {@code --through-kafka} through the real loop on an
 * embedded broker) and scores tool choice, arguments and final answers. The report goes to stdout; progress and
 * logs to stderr.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Score a model on a JSON Lines file of cases: tool choice and arguments, final answer, failure kinds, tokens/s.",
        "Each line: {\"id\", \"question\", \"tools\": [\"calculator\"|\"unit_converter\"|\"current_time\", …], "
            + "\"effort\": \"low|medium|high\", \"expect_tool\": \"functions.calculate\"|null, "
            + "\"expect_args\": {…}|null, \"expect_final_regex\": \"…\"}.",
        "Exit 0 when the cases ran (whatever the scores), 1 when they could not run or the success rate is below "
            + "--min-success, 2 for a bad case file or option."})
public final class EvalCommand implements Callable<Integer> {

    /** Which engine runs the model. */
    public enum EngineKind { cpu, cuda, auto }

    @Option(names = "--model", paramLabel = "DIR",
        description = "Checkpoint directory (default: the model `agentrt demo` uses).")
    Path model;

    @Option(names = "--cases", required = true, paramLabel = "FILE", description = "The cases, one JSON object a line.")
    Path casesFile;

    @Option(names = "--engine", defaultValue = "cpu", description = "cpu, cuda (fails with the reason when no GPU can be used) or auto (cuda when it can run, "
        + "else cpu with a warning); default: ${DEFAULT-VALUE}.")
    EngineKind engine;

    @Option(names = "--through-kafka",
        description = "Run the cases through the real loop on an embedded Kafka broker (orchestrator, worker, tool "
            + "executor in this JVM) instead of in process.")
    boolean throughKafka;

    @Option(names = "--json", description = "Print one JSON object (totals and every case) instead of the report.")
    boolean json;

    @Option(names = "--min-success", paramLabel = "R",
        description = "Exit 1 when the success rate (0 to 1) is below R, e.g. 0.9 in CI.")
    Double minSuccess;

    @Option(names = "--max-turns", defaultValue = "4", paramLabel = "N",
        description = "Model turns per case (default: ${DEFAULT-VALUE}).")
    int maxTurns;

    @Option(names = "--max-output-tokens", defaultValue = "256", paramLabel = "N",
        description = "Output tokens per model turn (default: ${DEFAULT-VALUE}).")
    int maxOutputTokens;

    @Option(names = "--timeout", defaultValue = "PT5M", paramLabel = "DURATION",
        description = "Per case, from its start (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--max-batch", defaultValue = "4", paramLabel = "N",
        description = "Cases run together, their turns decoded in one batch (default: ${DEFAULT-VALUE}; 1 makes each "
            + "case's result independent of the others').")
    int maxBatch;

    @Option(names = "--max-context", defaultValue = "4096", paramLabel = "N",
        description = "Positions per sequence, prompt and output (default: ${DEFAULT-VALUE}, capped by the model's).")
    int maxContext;

    @Spec
    CommandSpec spec;

    /** Tests run the command on a scripted engine; null = the one {@code --engine} names. */
    LocalStack.EngineFactory engineFactory;

    @Override
    public Integer call() throws Exception {
        try {
            return evaluate();
        } catch (dev.agentrt.engine.cuda.CudaUnavailableException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("agentrt eval: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private int evaluate() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EvalSettings settings;
        try {
            settings = new EvalSettings(maxTurns, maxOutputTokens, timeout, maxBatch, maxContext);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        if (minSuccess != null && !(minSuccess >= 0 && minSuccess <= 1)) {
            return usage(err, "--min-success must be between 0 and 1, got " + minSuccess);
        }
        List<EvalCase> cases;
        try {
            cases = CaseFile.read(casesFile);
        } catch (CaseFile.InvalidCases e) {
            err.println("agentrt eval: " + casesFile + " is not a valid case file; nothing was run:");
            e.problems().forEach(p -> err.println("  " + p));
            err.flush();
            return 2;
        } catch (IOException e) {
            return usage(err, "cannot read " + casesFile + ": " + e);
        }
        LocalStack.EngineFactory factory = engineFactory;
        if (factory == null) {
            factory = engine == EngineKind.cpu ? LocalStack.EngineFactory.CPU
                : LocalStack.EngineFactory.of(dev.agentrt.engine.Engines.Kind.valueOf(engine.name()), maxBatch,
                    maxContext, err);
        }
        Path modelDir = model != null ? model : DefaultModel.resolve(err);
        String mode = throughKafka ? "kafka" : "direct";
        if (!json) {
            out.printf(Locale.ROOT, "eval: %d case%s from %s; model %s, engine %s, %s, greedy%n", cases.size(),
                cases.size() == 1 ? "" : "s", casesFile, modelDir, engine,
                throughKafka ? "through Kafka (embedded broker, orchestrator, worker, tool executor)"
                    : "in process (loop rules, worker decoder, builtin tools)");
            out.flush();
        }
        Consumer<CaseRun> progress = progress(err, cases.size());
        long t0 = System.nanoTime();
        long setup;
        long started;
        List<CaseRun> runs;
        if (throughKafka) {
            Path data = Files.createTempDirectory("agentrt-eval-");
            try (var stack = LocalStack.start(new LocalStack.Options(modelDir, 0, maxBatch, maxContext, data)
                .withEngine(factory), err)) {
                started = System.nanoTime();
                setup = started - t0;
                runs = new KafkaRunner(Map.of("bootstrap.servers", stack.bootstrap()), stack.topics(), settings,
                    Clock.systemUTC(), err).run(cases, progress);
            } finally {
                deleteQuietly(data);
            }
        } else {
            Deque<AutoCloseable> open = new ArrayDeque<>();
            try {
                Engine e = factory.open(modelDir, open::push);
                open.push(e);
                started = System.nanoTime();
                setup = started - t0;
                runs = new DirectRunner(e, settings, Clock.systemUTC()).run(cases, progress);
            } finally {
                closeAll(open);
            }
        }
        long wall = System.nanoTime() - started;
        var report = new EvalReport(mode, modelDir.toString(), engine.name(),
            runs.stream().map(Scorer::score).toList(), setup, wall);
        if (json) {
            out.println(report.json());
        } else {
            out.println();
            report.print(out);
        }
        out.flush();
        if (minSuccess != null && report.successRate() < minSuccess) {
            err.printf(Locale.ROOT, "agentrt eval: success rate %.1f %% is below --min-success %.1f %%%n",
                100 * report.successRate(), 100 * minSuccess);
            err.flush();
            return 1;
        }
        return 0;
    }

    private static Consumer<CaseRun> progress(PrintWriter err, int total) {
        var done = new AtomicInteger();
        return run -> {
            String status = run.response() != null ? run.response().getStatus().name() : run.problem().kind().wire();
            err.printf(Locale.ROOT, "[%d/%d] %s: %s (%.1f s)%n", done.incrementAndGet(), total, run.evalCase().id(),
                status, run.wallNanos() / 1e9);
            err.flush();
        };
    }

    private static int usage(PrintWriter err, String message) {
        err.println("agentrt eval: " + message);
        err.flush();
        return 2;
    }

    private static void closeAll(Deque<AutoCloseable> open) throws Exception {
        Exception failure = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
