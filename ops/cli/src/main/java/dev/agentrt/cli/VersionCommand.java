package dev.agentrt.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code agentrt version}: the runtime's version and the versions it was built against. */
@Command(name = "version", mixinStandardHelpOptions = true,
    description = "Print agentrt's version, the Kafka/Avro versions it was built with, and the Java runtime.")
public final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        for (String line : new BuildInfo().getVersion()) out.println(line);
        out.flush();
        return 0;
    }
}
