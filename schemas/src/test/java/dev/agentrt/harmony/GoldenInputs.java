package dev.agentrt.harmony;

import java.util.List;

/** The conversations that produced the golden files (harmony-format.md §9), built through the public API. */
public final class GoldenInputs {
    public static final String Q = "What is the capital of the largest country in the world?";

    private GoldenInputs() {
    }

    /** SC: the defaults with the identity set explicitly, as the reference tests do. */
    public static SystemContent sc() {
        return SystemContent.defaults().withModelIdentity(SystemContent.DEFAULT_MODEL_IDENTITY);
    }

    public static Message user(String text) {
        return Message.of(Role.USER, text);
    }

    public static Message assistant(String channel, String text) {
        return Message.of(Role.ASSISTANT, text).withChannel(channel);
    }

    public static Conversation simpleConvo() {
        return Conversation.of(Message.system(sc()), user("What is 2 + 2?"));
    }

    public static Conversation effortConvo(ReasoningEffort effort, boolean withInstructions) {
        Message system = Message.system(sc().withReasoningEffort(effort));
        if (withInstructions) {
            return Conversation.of(system,
                Message.developer(DeveloperContent.empty().withInstructions("Answer the user's questions like a robot.")),
                user(Q));
        }
        return Conversation.of(system, user(Q));
    }

    public static Conversation reasoningSystemMessage() {
        return Conversation.of(
            Message.system(sc().withReasoningEffort(ReasoningEffort.MEDIUM).withRequiredChannels(List.of("analysis", "final"))),
            user("What is 2 + 2?"));
    }

    public static Conversation noTools() {
        return Conversation.of(Message.system(SystemContent.defaults().withConversationStartDate("2025-06-28")));
    }

    public static Conversation browserToolOnly() {
        return Conversation.of(Message.system(
            SystemContent.defaults().withConversationStartDate("2025-06-28").withBrowserTool()));
    }

    public static Conversation browserAndFunctionTool() {
        ToolDescription lookup = new ToolDescription("lookup_weather",
            "Use this tool to lookup the weather in a given location. Call it with the parameter 'location', "
                + "can be any textual description of a location.",
            TestJson.parse("{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}"));
        return Conversation.of(
            Message.system(SystemContent.defaults().withConversationStartDate("2025-06-28").withBrowserTool()),
            Message.developer(DeveloperContent.empty().withFunctionTools(List.of(lookup))));
    }

    public static Conversation droppingCot() {
        return Conversation.of(
            user("What is 2 + 2?"),
            assistant("analysis", "User asks: \u201CWhat is 2 + 2?\u201D Simple arithmetic. Provide answer."),
            assistant("final", "2 + 2 equals 4."),
            user("What about 9 / 2?"));
    }

    public static Conversation ongoingAnalysis() {
        return Conversation.of(
            user("What is the weather in SF?"),
            assistant("analysis", "User asks: \u201CWhat is the weather in SF?\u201D We need to use lookup_weather tool."),
            Message.of(Role.ASSISTANT, "{\"location\": \"San Francisco\"}").withChannel("commentary")
                .withRecipient("functions.lookup_weather").withContentType("<|constrain|>json"),
            Message.of(Author.tool("functions.lookup_weather"), "{\"temperature\": 20, \"description\": \"sunny\"}"));
    }

    public static Conversation preserveCot() {
        return Conversation.of(
            user("What is 2 + 2?"),
            assistant("analysis", "User asks a simple question: \"What is 2 + 2?\" The answer: 4."),
            assistant("final", "2 + 2 equals 4."),
            user("What about 9 / 2?"));
    }

    public static Message toolResponse() {
        return Message.of(Author.tool("browser.search"), "{\"result\": \"https://openai.com/\"}")
            .withChannel("commentary").withRecipient("assistant");
    }
}
