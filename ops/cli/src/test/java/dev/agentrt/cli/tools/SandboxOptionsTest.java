package dev.agentrt.cli.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.tools.sandbox.SandboxConfig;
import dev.agentrt.tools.sandbox.SandboxException;
import dev.agentrt.tools.sandbox.Tier;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code --sandbox kubernetes} is the explicit switch to tier B; the default stays the host probe. */
class SandboxOptionsTest {

    @Command(name = "t")
    static final class Holder {
        @Mixin
        SandboxOptions sandbox;
    }

    private static SandboxOptions parse(String... args) {
        Holder holder = new Holder();
        new CommandLine(holder).parseArgs(args);
        return holder.sandbox;
    }

    @Test
    void theDefaultIsTheLocalProbe() {
        SandboxConfig config = parse().config();
        assertThat(config.kubernetes()).isNull();
        assertThat(config.minimumTier()).isEqualTo(Tier.C);
    }

    @Test
    void kubernetesWithAnExplicitApi() {
        SandboxConfig config = parse("--sandbox", "kubernetes", "--k8s-api", "https://10.0.0.1:6443",
                "--k8s-token-file", "/tmp/token", "--k8s-ca-file", "/tmp/ca.crt", "--k8s-runtime-class", "kata-fc",
                "--k8s-image", "registry.example.invalid/runner@sha256:" + "0".repeat(64), "--min-tier", "B").config();
        assertThat(config.minimumTier()).isEqualTo(Tier.B);
        assertThat(config.kubernetes().apiServer().toString()).isEqualTo("https://10.0.0.1:6443");
        assertThat(config.kubernetes().tokenFile()).isEqualTo(Path.of("/tmp/token"));
        assertThat(config.kubernetes().caFile()).isEqualTo(Path.of("/tmp/ca.crt"));
        assertThat(config.kubernetes().runtimeClassName()).isEqualTo("kata-fc");
        assertThat(config.kubernetes().namespace()).isEqualTo("agentrt-sandbox");
    }

    @Test
    void kubernetesSettingsAreCheckedUpFront() {
        assertThatThrownBy(() -> parse("--sandbox", "kubernetes").config()).isInstanceOf(SandboxException.class)
                .hasMessageContaining("--k8s-image");
        assertThatThrownBy(() -> parse("--sandbox", "kubernetes", "--k8s-image", "i", "--k8s-api", "https://10.0.0.1")
                .config()).hasMessageContaining("--k8s-token-file");
        assertThatThrownBy(() -> parse("--sandbox", "kubernetes", "--k8s-image", "i", "--k8s-api", "https://10.0.0.1",
                "--k8s-token-file", "/tmp/t", "--k8s-runtime-class", "runc").config())
                .isInstanceOf(SandboxException.class).hasMessageContaining("runtimeClassName must be one of");
    }
}
