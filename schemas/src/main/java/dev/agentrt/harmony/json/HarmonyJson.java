package dev.agentrt.harmony.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentrt.harmony.Author;
import dev.agentrt.harmony.ChannelConfig;
import dev.agentrt.harmony.Content;
import dev.agentrt.harmony.Conversation;
import dev.agentrt.harmony.DeveloperContent;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.ReasoningEffort;
import dev.agentrt.harmony.Role;
import dev.agentrt.harmony.SystemContent;
import dev.agentrt.harmony.TextContent;
import dev.agentrt.harmony.ToolDescription;
import dev.agentrt.harmony.ToolNamespaceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * openai-harmony's JSON shapes (harmony-format.md §8): {@code Conversation} JSON in, {@code Message.to_dict()}
 * out. Reading follows the Python {@code from_dict} path: a missing SystemContent key takes the Python default,
 * an explicit {@code null} leaves the field unset. Unknown keys are ignored, as pydantic does.
 */
public final class HarmonyJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private HarmonyJson() {
    }

    // ---------------------------------------------------------------- reading

    public static Conversation readConversation(String json) {
        return conversationFromJson(parse(json));
    }

    public static Conversation readConversation(InputStream in) {
        try {
            return conversationFromJson(MAPPER.readTree(in));
        } catch (JsonProcessingException e) {
            throw new HarmonyJsonException("conversation is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new HarmonyJsonException("cannot read the conversation: " + e.getMessage(), e);
        }
    }

    /** {@code {"messages": [Message, …]}}. */
    public static Conversation conversationFromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new HarmonyJsonException("a Conversation must be a JSON object {\"messages\": [...]}");
        }
        JsonNode messages = node.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new HarmonyJsonException("Conversation.messages must be an array");
        }
        List<Message> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            out.add(messageFromJson(messages.get(i), "messages[" + i + "]"));
        }
        return new Conversation(out);
    }

    public static Message readMessage(String json) {
        return messageFromJson(parse(json), "message");
    }

    /** {@code Message.from_dict}: role, name, content (list of items or a plain string), channel, recipient, content_type. */
    public static Message messageFromJson(JsonNode node, String where) {
        requireObject(node, where);
        String roleWord = requiredString(node, "role", where);
        Role role = Role.fromWireOrNull(roleWord);
        if (role == null) {
            throw new HarmonyJsonException(where + ".role: unknown role '" + roleWord
                + "' (expected user, assistant, system, developer or tool)");
        }
        Author author = new Author(role, optionalString(node, "name", where));
        JsonNode contentNode = node.get("content");
        List<Content> content = new ArrayList<>();
        if (contentNode == null || contentNode.isNull()) {
            throw new HarmonyJsonException(where + ".content is required");
        } else if (contentNode.isTextual()) {
            content.add(new TextContent(contentNode.textValue()));
        } else if (contentNode.isArray()) {
            for (int i = 0; i < contentNode.size(); i++) {
                content.add(contentFromJson(contentNode.get(i), where + ".content[" + i + "]"));
            }
        } else {
            throw new HarmonyJsonException(where + ".content must be a string or an array of content items");
        }
        return new Message(author, optionalString(node, "recipient", where), optionalString(node, "channel", where),
            optionalString(node, "content_type", where), content);
    }

    private static Content contentFromJson(JsonNode node, String where) {
        requireObject(node, where);
        String type = requiredString(node, "type", where);
        return switch (type) {
            case "text" -> new TextContent(requiredString(node, "text", where));
            case "system_content" -> systemContentFromJson(node, where);
            case "developer_content" -> new DeveloperContent(optionalString(node, "instructions", where),
                toolsFromJson(node.get("tools"), where + ".tools"));
            default -> throw new HarmonyJsonException(where + ".type: unknown content type '" + type
                + "' (expected text, system_content or developer_content)");
        };
    }

    /** Missing key → the Python default of {@code SystemContent.new()}; explicit null → unset. */
    private static SystemContent systemContentFromJson(JsonNode node, String where) {
        SystemContent defaults = SystemContent.defaults();
        String identity = node.has("model_identity")
            ? optionalString(node, "model_identity", where) : defaults.modelIdentity();
        ReasoningEffort effort = defaults.reasoningEffort();
        if (node.has("reasoning_effort")) {
            String value = optionalString(node, "reasoning_effort", where);
            try {
                effort = value == null ? null : ReasoningEffort.fromJson(value);
            } catch (IllegalArgumentException e) {
                throw new HarmonyJsonException(where + ".reasoning_effort: " + e.getMessage());
            }
        }
        String date = optionalString(node, "conversation_start_date", where);
        String cutoff = node.has("knowledge_cutoff")
            ? optionalString(node, "knowledge_cutoff", where) : defaults.knowledgeCutoff();
        ChannelConfig channels = node.has("channel_config")
            ? channelConfigFromJson(node.get("channel_config"), where + ".channel_config") : defaults.channelConfig();
        return new SystemContent(identity, effort, date, cutoff, channels, toolsFromJson(node.get("tools"), where + ".tools"));
    }

    private static ChannelConfig channelConfigFromJson(JsonNode node, String where) {
        if (node.isNull()) {
            return null;
        }
        requireObject(node, where);
        JsonNode valid = node.get("valid_channels");
        if (valid == null || !valid.isArray()) {
            throw new HarmonyJsonException(where + ".valid_channels must be an array of strings");
        }
        List<String> channels = new ArrayList<>();
        for (JsonNode c : valid) {
            if (!c.isTextual()) {
                throw new HarmonyJsonException(where + ".valid_channels must be an array of strings");
            }
            channels.add(c.textValue());
        }
        JsonNode required = node.get("channel_required");
        if (required == null || !required.isBoolean()) {
            throw new HarmonyJsonException(where + ".channel_required must be a boolean");
        }
        return new ChannelConfig(channels, required.booleanValue());
    }

    private static Map<String, ToolNamespaceConfig> toolsFromJson(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        requireObject(node, where);
        Map<String, ToolNamespaceConfig> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String nsWhere = where + "." + e.getKey();
            JsonNode ns = e.getValue();
            requireObject(ns, nsWhere);
            JsonNode tools = ns.get("tools");
            if (tools == null || !tools.isArray()) {
                throw new HarmonyJsonException(nsWhere + ".tools must be an array of tool descriptions");
            }
            List<ToolDescription> descriptions = new ArrayList<>();
            for (int i = 0; i < tools.size(); i++) {
                String toolWhere = nsWhere + ".tools[" + i + "]";
                JsonNode tool = tools.get(i);
                requireObject(tool, toolWhere);
                JsonNode parameters = tool.get("parameters");
                descriptions.add(new ToolDescription(requiredString(tool, "name", toolWhere),
                    requiredString(tool, "description", toolWhere),
                    parameters == null || parameters.isNull() ? null : parameters));
            }
            out.put(e.getKey(), new ToolNamespaceConfig(requiredString(ns, "name", nsWhere),
                optionalString(ns, "description", nsWhere), descriptions));
        }
        return out;
    }

    // ---------------------------------------------------------------- writing

    /** {@code Message.to_dict()}: role, name (null when unset), content, then channel/recipient/content_type if set. */
    public static ObjectNode messageToDict(Message m) {
        ObjectNode out = NODES.objectNode();
        out.put("role", m.author().role().wire());
        out.put("name", m.author().name());
        ArrayNode content = out.putArray("content");
        for (Content c : m.content()) {
            content.add(contentToDict(c));
        }
        if (m.channel() != null) {
            out.put("channel", m.channel());
        }
        if (m.recipient() != null) {
            out.put("recipient", m.recipient());
        }
        if (m.contentType() != null) {
            out.put("content_type", m.contentType());
        }
        return out;
    }

    public static ArrayNode messagesToDicts(List<Message> messages) {
        ArrayNode out = NODES.arrayNode();
        messages.forEach(m -> out.add(messageToDict(m)));
        return out;
    }

    /** The JSON array of {@code to_dict()} shapes, compact. */
    public static String writeMessages(List<Message> messages) {
        return messagesToDicts(messages).toString();
    }

    /** {@code Conversation.to_json()}: {@code {"messages": [...]}} with each message in {@code to_dict} shape. */
    public static String writeConversation(Conversation conversation) {
        ObjectNode out = NODES.objectNode();
        out.set("messages", messagesToDicts(conversation.messages()));
        return out.toString();
    }

    private static ObjectNode contentToDict(Content c) {
        ObjectNode out = NODES.objectNode();
        switch (c) {
            case TextContent t -> {
                out.put("type", "text");
                out.put("text", t.text());
            }
            case SystemContent sc -> {
                // model_dump(exclude_none=True) plus the type tag: unset fields are omitted.
                out.put("type", "system_content");
                putIfSet(out, "model_identity", sc.modelIdentity());
                putIfSet(out, "reasoning_effort", sc.reasoningEffort() == null ? null : sc.reasoningEffort().json());
                putIfSet(out, "conversation_start_date", sc.conversationStartDate());
                putIfSet(out, "knowledge_cutoff", sc.knowledgeCutoff());
                if (sc.channelConfig() != null) {
                    ObjectNode cc = out.putObject("channel_config");
                    ArrayNode valid = cc.putArray("valid_channels");
                    sc.channelConfig().validChannels().forEach(valid::add);
                    cc.put("channel_required", sc.channelConfig().channelRequired());
                }
                if (sc.tools() != null) {
                    out.set("tools", toolsToDict(sc.tools()));
                }
            }
            case DeveloperContent dc -> {
                out.put("type", "developer_content");
                putIfSet(out, "instructions", dc.instructions());
                if (dc.tools() != null) {
                    out.set("tools", toolsToDict(dc.tools()));
                }
            }
        }
        return out;
    }

    private static ObjectNode toolsToDict(Map<String, ToolNamespaceConfig> tools) {
        ObjectNode out = NODES.objectNode();
        tools.forEach((key, ns) -> {
            ObjectNode n = out.putObject(key);
            n.put("name", ns.name());
            putIfSet(n, "description", ns.description());
            ArrayNode list = n.putArray("tools");
            for (ToolDescription t : ns.tools()) {
                ObjectNode d = list.addObject();
                d.put("name", t.name());
                d.put("description", t.description());
                JsonNode parameters = t.parameters();
                if (parameters != null) {
                    d.set("parameters", parameters);
                }
            }
        });
        return out;
    }

    private static void putIfSet(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new HarmonyJsonException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void requireObject(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new HarmonyJsonException(where + " must be a JSON object");
        }
    }

    private static String requiredString(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual()) {
            throw new HarmonyJsonException(where + "." + key + " must be a string");
        }
        return v.textValue();
    }

    private static String optionalString(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new HarmonyJsonException(where + "." + key + " must be a string or null");
        }
        return v.textValue();
    }
}
