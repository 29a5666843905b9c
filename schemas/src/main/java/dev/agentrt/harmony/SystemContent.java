package dev.agentrt.harmony;

import java.util.List;
import java.util.Map;

/**
 * The content of the system message (harmony-format.md §3.1). Every field is optional ({@code null} =
 * unset). {@link #defaults()} mirrors {@code SystemContent::new()}; {@link #empty()} has nothing set.
 *
 * @param tools builtin tool namespaces by key (rendered in byte-wise key order); {@code null} = unset
 */
public record SystemContent(
    String modelIdentity,
    ReasoningEffort reasoningEffort,
    String conversationStartDate,
    String knowledgeCutoff,
    ChannelConfig channelConfig,
    Map<String, ToolNamespaceConfig> tools) implements Content {

    public static final String DEFAULT_MODEL_IDENTITY = "You are ChatGPT, a large language model trained by OpenAI.";
    public static final ReasoningEffort DEFAULT_REASONING_EFFORT = ReasoningEffort.MEDIUM;
    public static final String DEFAULT_KNOWLEDGE_CUTOFF = "2024-06";

    public SystemContent {
        tools = ToolNamespaces.copy(tools);
    }

    /** {@code SystemContent::new()}: default identity, effort Medium, cutoff 2024-06, three required channels. */
    public static SystemContent defaults() {
        return new SystemContent(DEFAULT_MODEL_IDENTITY, DEFAULT_REASONING_EFFORT, null, DEFAULT_KNOWLEDGE_CUTOFF,
            ChannelConfig.defaults(), null);
    }

    /** Nothing set: renders as the empty string. */
    public static SystemContent empty() {
        return new SystemContent(null, null, null, null, null, null);
    }

    public SystemContent withModelIdentity(String identity) {
        return new SystemContent(identity, reasoningEffort, conversationStartDate, knowledgeCutoff, channelConfig, tools);
    }

    public SystemContent withReasoningEffort(ReasoningEffort effort) {
        return new SystemContent(modelIdentity, effort, conversationStartDate, knowledgeCutoff, channelConfig, tools);
    }

    public SystemContent withConversationStartDate(String date) {
        return new SystemContent(modelIdentity, reasoningEffort, date, knowledgeCutoff, channelConfig, tools);
    }

    public SystemContent withKnowledgeCutoff(String cutoff) {
        return new SystemContent(modelIdentity, reasoningEffort, conversationStartDate, cutoff, channelConfig, tools);
    }

    public SystemContent withChannelConfig(ChannelConfig config) {
        return new SystemContent(modelIdentity, reasoningEffort, conversationStartDate, knowledgeCutoff, config, tools);
    }

    /** {@code with_required_channels}: these channels, required on every message. */
    public SystemContent withRequiredChannels(List<String> channels) {
        return withChannelConfig(ChannelConfig.requireChannels(channels));
    }

    public SystemContent withTools(Map<String, ToolNamespaceConfig> namespaces) {
        return new SystemContent(modelIdentity, reasoningEffort, conversationStartDate, knowledgeCutoff, channelConfig, namespaces);
    }

    /** Adds (or replaces) a namespace under the key {@code ns.name()}. */
    public SystemContent withTools(ToolNamespaceConfig ns) {
        return withTools(ToolNamespaces.with(tools, ns.name(), ns));
    }

    public SystemContent withBrowserTool() {
        return withTools(ToolNamespaceConfig.browser());
    }

    public SystemContent withPythonTool() {
        return withTools(ToolNamespaceConfig.python());
    }
}
