package dev.agentrt.cli.tools;

import dev.agentrt.cli.KafkaClientOptions;
import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.tools.sandbox.SandboxRuntime;
import dev.agentrt.tools.service.ExecutorServiceSettings;
import dev.agentrt.tools.service.RemoteTools;
import dev.agentrt.tools.service.ToolExecutorService;
import dev.agentrt.topics.AgentrtTopics;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code agentrt tools --bootstrap ...}: the tool executor service until Ctrl-C; the shutdown hook
 * waits for running calls to finish (within the close grace) and their results to commit.
 */
public final class ToolServiceRunner {

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    /** Runs until stopped; 0 after a clean stop, 1 when the service failed. */
    public int run(KafkaClientOptions kafka, SandboxOptions sandbox, RoutesConfig routes, PrintWriter out,
                   PrintWriter err) throws InterruptedException {
        AgentrtTopics topics = kafka.topics();
        var client = kafka.clientConfig();
        String executorId = executorId(sandbox.instance());
        try (SandboxRuntime runtime = SandboxRuntime.start(sandbox.config());
             RemoteTools remotes = RemoteTools.open(routes, client)) {
            var executor = new ToolExecutor(runtime, routes, java.util.Map.of(),
                    BuiltinTools.standard(Clock.systemUTC()), remotes.byName());
            var service = new ToolExecutorService(executor, topics,
                    ExecutorServiceSettings.defaults(executorId, sandbox.slots()), client, Clock.systemUTC());
            try (service) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stop.countDown();
                    try {
                        closed.await(90, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "agentrt-tools-stop"));
                service.start();
                Thread.ofPlatform().daemon().name("agentrt-tools-watch").start(() -> {
                    try {
                        service.awaitStop();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    stop.countDown();
                });
                out.println("tool executor " + executorId + " running against " + kafka.bootstrap() + " (topics "
                        + topics.prefix() + "*, sandbox tier " + runtime.tier() + ", " + sandbox.slots()
                        + " slots); Ctrl-C stops it");
                out.flush();
                stop.await();
            }
            if (service.failure() != null) {
                err.println("agentrt tools: the executor stopped on an error: " + service.failure());
                err.flush();
                return 1;
            }
            out.println("tool executor stopped: " + service.stats());
            out.flush();
            return 0;
        } finally {
            closed.countDown();
        }
    }

    /** Lets tests stop a running service. */
    public void stop() {
        stop.countDown();
    }

    private static String executorId(String instance) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "host";
        }
        String id = (host + "-" + instance).replaceAll("[^A-Za-z0-9._-]", "-");
        return id.length() > 100 ? id.substring(0, 100) : id;
    }
}
