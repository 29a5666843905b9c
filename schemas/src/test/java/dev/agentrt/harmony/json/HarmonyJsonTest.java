package dev.agentrt.harmony.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.harmony.Author;
import dev.agentrt.harmony.ChannelConfig;
import dev.agentrt.harmony.Conversation;
import dev.agentrt.harmony.DeveloperContent;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.ReasoningEffort;
import dev.agentrt.harmony.Role;
import dev.agentrt.harmony.SystemContent;
import dev.agentrt.harmony.ToolDescription;
import java.util.List;
import org.junit.jupiter.api.Test;

class HarmonyJsonTest {

    @Test
    void messageToDictShape() {
        Message call = Message.of(Role.ASSISTANT, "{\"location\":\"Tokyo\"}").withChannel("commentary")
            .withRecipient("functions.get_weather").withContentType("<|constrain|>json");
        assertThat(HarmonyJson.messageToDict(call).toString()).isEqualTo(
            "{\"role\":\"assistant\",\"name\":null,\"content\":[{\"type\":\"text\",\"text\":\"{\\\"location\\\":\\\"Tokyo\\\"}\"}],"
                + "\"channel\":\"commentary\",\"recipient\":\"functions.get_weather\",\"content_type\":\"<|constrain|>json\"}");
        assertThat(HarmonyJson.messageToDict(Message.of(Author.tool("browser.search"), "r")).toString())
            .isEqualTo("{\"role\":\"tool\",\"name\":\"browser.search\",\"content\":[{\"type\":\"text\",\"text\":\"r\"}]}");
    }

    @Test
    void systemContentOmitsUnsetFields() {
        String json = HarmonyJson.messageToDict(Message.system(SystemContent.empty().withReasoningEffort(ReasoningEffort.HIGH)))
            .toString();
        assertThat(json).isEqualTo("{\"role\":\"system\",\"name\":null,\"content\":[{\"type\":\"system_content\","
            + "\"reasoning_effort\":\"High\"}]}");
    }

    @Test
    void conversationRoundTrips() {
        Conversation conv = Conversation.of(
            Message.system(SystemContent.defaults().withConversationStartDate("2025-06-28").withBrowserTool().withPythonTool()),
            Message.developer(DeveloperContent.empty().withInstructions("Be brief.").withFunctionTools(List.of(
                new ToolDescription("f", "does f", HarmonyJsonTestSupport.schema("{\"type\":\"object\",\"properties\":"
                    + "{\"z\":{\"type\":\"number\",\"default\":1.5},\"a\":{\"type\":\"string\"}}}")),
                ToolDescription.of("g", "no args")))),
            Message.of(Role.USER, "hi"),
            Message.of(Role.ASSISTANT, "{}").withChannel("commentary").withRecipient("functions.f").withContentType("<|constrain|>json"),
            Message.of(Author.tool("functions.f"), "ok").withRecipient("assistant").withChannel("commentary"));
        String json = HarmonyJson.writeConversation(conv);
        assertThat(HarmonyJson.readConversation(json)).isEqualTo(conv);
        // Schema key order survives the trip (it decides the rendered property order).
        assertThat(json).contains("{\"z\":{\"type\":\"number\",\"default\":1.5},\"a\":{\"type\":\"string\"}}");
    }

    @Test
    void missingSystemKeysTakePythonDefaultsAndNullUnsets() {
        Conversation conv = HarmonyJson.readConversation("""
            {"messages": [{"role": "system", "content": [{"type": "system_content", "conversation_start_date": "2025-06-28"}]}]}""");
        assertThat(conv.messages().getFirst().content().getFirst())
            .isEqualTo(SystemContent.defaults().withConversationStartDate("2025-06-28"));

        Conversation unset = HarmonyJson.readConversation("""
            {"messages": [{"role": "system", "content": [{"type": "system_content", "model_identity": null,
              "reasoning_effort": null, "knowledge_cutoff": null, "channel_config": null}]}]}""");
        assertThat(unset.messages().getFirst().content().getFirst()).isEqualTo(SystemContent.empty());
    }

    @Test
    void plainStringContentIsOneTextItem() {
        Message m = HarmonyJson.readMessage("{\"role\":\"assistant\",\"content\":\"4\",\"channel\":\"final\"}");
        assertThat(m).isEqualTo(Message.of(Role.ASSISTANT, "4").withChannel("final"));
    }

    @Test
    void channelConfigIsRead() {
        Message m = HarmonyJson.readMessage("{\"role\":\"system\",\"content\":[{\"type\":\"system_content\","
            + "\"channel_config\":{\"valid_channels\":[\"analysis\",\"final\"],\"channel_required\":false}}]}");
        assertThat(((SystemContent) m.content().getFirst()).channelConfig())
            .isEqualTo(new ChannelConfig(List.of("analysis", "final"), false));
    }

    @Test
    void badInputGetsClearErrors() {
        assertThatThrownBy(() -> HarmonyJson.readConversation("[]"))
            .isInstanceOf(HarmonyJsonException.class).hasMessageContaining("{\"messages\"");
        assertThatThrownBy(() -> HarmonyJson.readConversation("{\"messages\":[{\"role\":\"bot\",\"content\":\"x\"}]}"))
            .hasMessage("messages[0].role: unknown role 'bot' (expected user, assistant, system, developer or tool)");
        assertThatThrownBy(() -> HarmonyJson.readConversation("{\"messages\":[{\"role\":\"user\"}]}"))
            .hasMessage("messages[0].content is required");
        assertThatThrownBy(() -> HarmonyJson.readConversation(
                "{\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"system_content\",\"reasoning_effort\":\"low\"}]}]}"))
            .hasMessageContaining("messages[0].content[0].reasoning_effort: unknown reasoning_effort 'low'");
        assertThatThrownBy(() -> HarmonyJson.readConversation(
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\"}]}]}"))
            .hasMessageContaining("unknown content type 'image'");
        assertThatThrownBy(() -> HarmonyJson.readConversation(
                "{\"messages\":[{\"role\":\"developer\",\"content\":[{\"type\":\"developer_content\",\"tools\":{\"functions\":{\"name\":\"functions\"}}}]}]}"))
            .hasMessage("messages[0].content[0].tools.functions.tools must be an array of tool descriptions");
        assertThatThrownBy(() -> HarmonyJson.readConversation("{not json"))
            .isInstanceOf(HarmonyJsonException.class).hasMessageStartingWith("not valid JSON");
    }
}
