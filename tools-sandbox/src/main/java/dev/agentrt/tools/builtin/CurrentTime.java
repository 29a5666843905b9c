package dev.agentrt.tools.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/** {@code functions.get_current_time}: the current date and time in a time zone (UTC by default). */
public final class CurrentTime implements BuiltinTool {

    private final Clock clock;

    public CurrentTime(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "get_current_time";
    }

    @Override
    public String description() {
        return "Get the current date and time, optionally in an IANA time zone such as 'Europe/Paris'.";
    }

    @Override
    public String parametersSchema() {
        return """
            {"type":"object","properties":{"timezone":{"type":"string","description":"IANA time zone, e.g. America/New_York; default UTC","maxLength":64}},"additionalProperties":false}""";
    }

    @Override
    public String invoke(JsonNode arguments) throws ToolFailure {
        String zoneText = arguments.path("timezone").asText("UTC");
        if (zoneText.isBlank()) zoneText = "UTC";
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneText);
        } catch (DateTimeException e) {
            throw new ToolFailure("unknown time zone '" + zoneText + "'; use an IANA name such as Europe/Paris");
        }
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone));
        var out = JsonNodeFactory.instance.objectNode();
        out.put("timezone", zone.getId());
        out.put("datetime", now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        out.put("date", now.toLocalDate().toString());
        out.put("time", now.toLocalTime().withNano(0).toString());
        out.put("weekday", now.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        out.put("unix_seconds", now.toEpochSecond());
        return out.toString();
    }
}
