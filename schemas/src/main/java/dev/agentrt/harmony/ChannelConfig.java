package dev.agentrt.harmony;

import java.util.List;
import java.util.Objects;

/** The channels the model may use, and whether every assistant message must name one. */
public record ChannelConfig(List<String> validChannels, boolean channelRequired) {
    public ChannelConfig {
        validChannels = List.copyOf(Objects.requireNonNull(validChannels, "validChannels"));
    }

    /** {@code with_required_channels}: the given channels, required. */
    public static ChannelConfig requireChannels(List<String> channels) {
        return new ChannelConfig(channels, true);
    }

    /** The default of {@code SystemContent.new()}: analysis, commentary, final; required. */
    public static ChannelConfig defaults() {
        return new ChannelConfig(List.of("analysis", "commentary", "final"), true);
    }
}
