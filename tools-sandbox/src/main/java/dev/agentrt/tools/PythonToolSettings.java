package dev.agentrt.tools;

/**
 * The built-in {@code python} tool (gpt-oss's code interpreter): the model's message is the
 * program, run by Debian's /usr/bin/python3 in the sandbox; the result is its stdout and stderr.
 *
 * @param enabled   whether the tool is offered at all
 * @param limits    per-call limits
 * @param harvest   return regular files the program left in /workspace
 */
public record PythonToolSettings(Boolean enabled, LimitsSettings limits, Boolean harvest) {
    public PythonToolSettings {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        limits = limits == null ? LimitsSettings.none() : limits;
        harvest = harvest == null ? Boolean.FALSE : harvest;
    }

    public static PythonToolSettings defaults() {
        return new PythonToolSettings(true, LimitsSettings.none(), false);
    }
}
