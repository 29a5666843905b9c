package dev.agentrt.harmony;

import java.util.Objects;

/**
 * Who wrote a message. {@code name} is optional; for {@link Role#TOOL} it is the tool's full name
 * (e.g. {@code functions.get_weather}) and is what the header shows instead of the word {@code tool}.
 */
public record Author(Role role, String name) {
    public Author {
        Objects.requireNonNull(role, "role");
    }

    public static Author of(Role role) {
        return new Author(role, null);
    }

    public static Author tool(String name) {
        return new Author(Role.TOOL, Objects.requireNonNull(name, "name"));
    }
}
