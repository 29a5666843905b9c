package dev.agentrt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Version facts written into the jar by the build (resource filtered by Maven). */
public final class BuildInfo implements IVersionProvider {

    private static final Properties PROPS = load();

    private static Properties load() {
        var props = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build-info.properties")) {
            if (in != null) props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build-info.properties", e);
        }
        return props;
    }

    public static String version() {
        return PROPS.getProperty("version", "unknown");
    }

    public static String kafkaVersion() {
        return PROPS.getProperty("kafka.version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "agentrt " + version(),
            "Kafka " + kafkaVersion() + ", Avro " + PROPS.getProperty("avro.version", "unknown"),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
            "OS " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ", " + Runtime.getRuntime().availableProcessors() + " cores"
        };
    }
}
