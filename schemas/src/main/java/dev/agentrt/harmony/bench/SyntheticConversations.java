package dev.agentrt.harmony.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.harmony.Author;
import dev.agentrt.harmony.Conversation;
import dev.agentrt.harmony.DeveloperContent;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.ReasoningEffort;
import dev.agentrt.harmony.Role;
import dev.agentrt.harmony.SystemContent;
import dev.agentrt.harmony.ToolDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates agent-shaped conversations for throughput measurements: a system message (date, effort, sometimes
 * the browser tool), a developer message with instructions and function tools, then turns of user questions,
 * analysis, tool calls with JSON arguments, tool results and final answers. Deterministic for a seed.
 */
public final class SyntheticConversations {
    private static final String[] WORDS = (
        "the of and to in is that for it as with was on be by this are or from at which an have not but they "
            + "weather kafka partition offset consumer broker latency throughput token model answer question user "
            + "request response tool function result search page cursor line query location temperature forecast "
            + "because therefore however we need should check first then compute summary table value error retry "
            + "München café naïve 東京 данные über 😀").split(" ");
    private static final String[] CITIES = {"Tokyo", "San Francisco", "Berlin", "São Paulo", "Zürich", "Nairobi"};

    private SyntheticConversations() {
    }

    public static List<Conversation> generate(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Conversation> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(conversation(random));
        }
        return out;
    }

    private static Conversation conversation(SplittableRandom r) {
        List<Message> messages = new ArrayList<>();
        SystemContent system = SystemContent.defaults()
            .withReasoningEffort(ReasoningEffort.values()[r.nextInt(3)])
            .withConversationStartDate("2025-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10));
        if (r.nextBoolean()) {
            system = system.withBrowserTool();
        }
        messages.add(Message.system(system));
        messages.add(Message.developer(DeveloperContent.empty()
            .withInstructions(sentence(r, 20 + r.nextInt(40)))
            .withFunctionTools(List.of(
                new ToolDescription("get_weather", "Gets the current weather for a location.", schema(
                    "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\",\"description\":\"City name\"},"
                        + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"],\"default\":\"celsius\"}},"
                        + "\"required\":[\"location\"]}")),
                new ToolDescription("lookup_offsets", "Returns committed offsets of a consumer group.", schema(
                    "{\"type\":\"object\",\"properties\":{\"group\":{\"type\":\"string\"},\"partitions\":{\"type\":\"array\","
                        + "\"items\":{\"type\":\"integer\"}}},\"required\":[\"group\"]}"))))));
        int turns = 1 + r.nextInt(4);
        for (int t = 0; t < turns; t++) {
            messages.add(Message.of(Role.USER, sentence(r, 8 + r.nextInt(30)) + "?"));
            messages.add(Message.of(Role.ASSISTANT, sentence(r, 20 + r.nextInt(80))).withChannel("analysis"));
            if (r.nextInt(3) > 0) {
                String city = CITIES[r.nextInt(CITIES.length)];
                messages.add(Message.of(Role.ASSISTANT, "{\"location\":\"" + city + "\"}").withChannel("commentary")
                    .withRecipient("functions.get_weather").withContentType("<|constrain|>json"));
                messages.add(Message.of(Author.tool("functions.get_weather"),
                        "{\"location\":\"" + city + "\",\"temperature\":" + (r.nextInt(40) - 5) + ",\"summary\":\""
                            + sentence(r, 6) + "\"}")
                    .withRecipient("assistant").withChannel("commentary"));
            }
            messages.add(Message.of(Role.ASSISTANT, sentence(r, 30 + r.nextInt(120))).withChannel("final"));
        }
        return new Conversation(messages);
    }

    private static String sentence(SplittableRandom r, int words) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                out.append(r.nextInt(12) == 0 ? ", " : " ");
            }
            String w = WORDS[r.nextInt(WORDS.length)];
            out.append(i == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
            if (r.nextInt(25) == 0) {
                out.append(' ').append(r.nextInt(10_000));
            }
        }
        return out.toString();
    }

    private static com.fasterxml.jackson.databind.JsonNode schema(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
