package dev.agentrt.cli;

import dev.agentrt.cli.client.ConversationFollower;
import dev.agentrt.cli.client.ConversationPrinter;
import dev.agentrt.topics.AgentrtTopics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code agentrt watch [CONVERSATION]}: follows transcripts (and token deltas) as they are committed. */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Follow conversations: every message appended to the transcript, token deltas with --deltas, "
        + "and responses. With a CONVERSATION id, replays it from the start and stops at its response.")
public final class WatchCommand implements Callable<Integer> {

    @Mixin KafkaClientOptions kafka;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONVERSATION", description = "Only this conversation.")
    String conversationId;

    @Option(names = "--deltas", description = "Also print token deltas as the model writes them.")
    boolean deltas;

    @Spec CommandSpec spec;

    private final AtomicBoolean stop = new AtomicBoolean();

    @Override
    public Integer call() {
        AgentrtTopics topics = kafka.topics();
        Map<String, Object> clientConfig = kafka.clientConfig();
        var out = spec.commandLine().getOut();
        var printer = new ConversationPrinter(out);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.set(true), "agentrt-watch-stop"));
        try (var follower = conversationId == null
            ? ConversationFollower.fromNow(clientConfig, topics, null, deltas)
            : ConversationFollower.fromStart(clientConfig, topics, conversationId, deltas)) {
            out.println(conversationId == null ? "watching all conversations (Ctrl-C stops)" : "watching " + conversationId);
            out.flush();
            while (!stop.get()) {
                dev.agentrt.avro.ConversationResponse response = null;
                for (var seen : follower.poll(Duration.ofMillis(200))) {
                    if (seen.problem() != null) spec.commandLine().getErr().println("skipped a record: " + seen.problem());
                    if (seen.delta() != null) {
                        out.print(seen.delta().getTextDelta());
                        out.flush();
                    }
                    if (seen.transcript() != null) printer.message(seen.transcript());
                    if (seen.response() != null) {
                        if (conversationId == null) printer.response(seen.response());
                        else response = seen.response();
                    }
                }
                if (response != null) {
                    // The topics are separate logs: print what the transcript still holds, then the answer.
                    for (var late : follower.drainToEnd(Duration.ofSeconds(10))) {
                        if (late.transcript() != null) printer.message(late.transcript());
                    }
                    printer.response(response);
                    return 0;
                }
            }
        }
        return 0;
    }
}
