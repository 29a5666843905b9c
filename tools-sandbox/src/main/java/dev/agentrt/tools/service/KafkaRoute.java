package dev.agentrt.tools.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentrt.tools.KafkaRouteSettings;
import dev.agentrt.tools.RemoteTool;
import dev.agentrt.tools.StrictJson;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.ToolStatus;
import dev.agentrt.tools.sandbox.OutputText;
import dev.agentrt.tools.sandbox.SandboxLimits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A {@code kafka} tool: produces the validated arguments to the request topic keyed by the call id
 * (header {@value #TOOL_HEADER}: the tool name, {@value #REPLY_TOPIC_HEADER}: where to answer) and
 * waits, up to the route's timeout, for the reply with the same key on the reply topic.
 */
public final class KafkaRoute implements RemoteTool {

    public static final String TOOL_HEADER = "agentrt.tool";
    public static final String REPLY_TOPIC_HEADER = "agentrt.reply-topic";
    public static final String ERROR_HEADER = KafkaReplyListener.ERROR_HEADER;

    private final String tool;
    private final KafkaRouteSettings settings;
    private final Producer<byte[], byte[]> producer;
    private final KafkaReplyListener replies;

    KafkaRoute(String tool, KafkaRouteSettings settings, Producer<byte[], byte[]> producer,
               KafkaReplyListener replies) {
        this.tool = tool;
        this.settings = settings;
        this.producer = producer;
        this.replies = replies;
    }

    @Override
    public ToolResult call(ToolCall call, JsonNode arguments) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs());
        CompletableFuture<KafkaReplyListener.Reply> reply = null;
        try {
            if (!replies.awaitReady(settings.timeoutMs())) {
                return failed(call, ToolStatus.ERROR, "the reply topic " + settings.replyTopic()
                        + " is not readable; the request was not sent", start);
            }
            reply = replies.expect(call.callId());
            var record = new ProducerRecord<>(settings.requestTopic(), call.callId().getBytes(StandardCharsets.UTF_8),
                    StrictJson.write(arguments).getBytes(StandardCharsets.UTF_8));
            record.headers().add(TOOL_HEADER, tool.getBytes(StandardCharsets.UTF_8));
            record.headers().add(REPLY_TOPIC_HEADER, settings.replyTopic().getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            KafkaReplyListener.Reply answer = reply.get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            return answered(call, answer, HttpRoute.elapsedMs(start));
        } catch (TimeoutException e) {
            return failed(call, ToolStatus.TIMEOUT, "no reply on " + settings.replyTopic() + " within "
                    + settings.timeoutMs() + " ms", start);
        } catch (ExecutionException e) {
            return failed(call, ToolStatus.ERROR, "cannot send the request to " + settings.requestTopic() + ": "
                    + e.getCause(), start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(call, ToolStatus.ERROR, "the executor was interrupted during the call", start);
        } finally {
            if (reply != null) {
                replies.forget(call.callId(), reply);
            }
        }
    }

    private static ToolResult answered(ToolCall call, KafkaReplyListener.Reply reply, long wallMs) {
        OutputText.View view = OutputText.forModel(reply.text(), SandboxLimits.defaults().modelOutputBytes(), false);
        if (reply.failed()) {
            return new ToolResult(call.callId(), call.recipient(), ToolStatus.ERROR, null, null, "",
                    "the tool reported a failure: " + view.text(), view.truncated(), wallMs, -1, -1, TIER, List.of());
        }
        return new ToolResult(call.callId(), call.recipient(), ToolStatus.OK, null, null, view.text(), null,
                view.truncated(), wallMs, -1, -1, TIER, List.of());
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static ToolResult failed(ToolCall call, ToolStatus status, String error, long start) {
        return new ToolResult(call.callId(), call.recipient(), status, null, null, "", error, false,
                HttpRoute.elapsedMs(start), -1, -1, TIER, List.of());
    }
}
