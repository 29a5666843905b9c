package dev.agentrt.loop;

import java.util.Set;

/** Whether a recipient names a tool the conversation offered. */
final class ToolNames {

    private ToolNames() {}

    /**
     * {@code functions.get_weather} matches an offered {@code functions.get_weather}; a builtin offered by its
     * namespace alone ({@code browser}, {@code python}) matches any of its functions ({@code browser.search}).
     */
    static boolean isOffered(String recipient, Set<String> offered) {
        if (offered.contains(recipient)) return true;
        int dot = recipient.indexOf('.');
        return dot > 0 && offered.contains(recipient.substring(0, dot));
    }
}
