package dev.agentrt.cli.eval;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.cli.client.RequestFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;

/**
 * How cases run, whatever the mode.
 *
 * @param maxTurns        model turns per case
 * @param maxOutputTokens output tokens per model turn
 * @param timeout         per case, from its submission (the conversation's deadline)
 * @param maxBatch        cases in flight together (= sequences the worker decodes together)
 * @param maxContext      positions of each sequence (capped by the model's context)
 */
public record EvalSettings(int maxTurns, int maxOutputTokens, Duration timeout, int maxBatch, int maxContext) {

    /** Greedy decoding; the seed only matters if a temperature is ever set. */
    static final long SEED = 7L;

    public EvalSettings {
        if (maxTurns < 1) throw new IllegalArgumentException("--max-turns must be >= 1, got " + maxTurns);
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException("--max-output-tokens must be >= 1, got " + maxOutputTokens);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be positive, got " + timeout);
        }
        if (maxBatch < 1) throw new IllegalArgumentException("--max-batch must be >= 1, got " + maxBatch);
        if (maxContext < 2) throw new IllegalArgumentException("--max-context must be >= 2, got " + maxContext);
    }

    /**
     * The request for a case, built as {@code agentrt submit} and {@code demo} build theirs (so the worker renders
     * the same prompt): the offered builtin tools in their standard order, greedy sampling. Its deadline starts now.
     */
    public ConversationRequest request(EvalCase c, Clock clock) {
        List<ToolDefinition> tools = RequestFactory.builtinToolDefinitions().stream()
            .filter(t -> c.tools().contains(t.getNamespace() + "." + t.getName()))
            .toList();
        ConversationRequest r = RequestFactory.build(new RequestFactory.Ask(c.question(), tools, List.of(), c.effort(),
            null, maxTurns, maxOutputTokens, timeout, 0f, SEED, "gpt-oss"), clock);
        var metadata = new HashMap<>(r.getClientMetadata());
        metadata.put("eval_case", c.id());
        r.setClientMetadata(metadata);
        return r;
    }
}
