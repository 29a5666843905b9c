package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** sandbox.md §3.7 case 11: output floods are cut at the cap and the guest is killed within 100 ms. */
class HostileOutputTest {

    static SandboxFixture sandbox;
    static final SandboxLimits DEFAULTS = SandboxLimits.defaults();

    @BeforeAll
    static void start() {
        sandbox = new SandboxFixture(2, RoutesConfig.defaults());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "import sys\nfor _ in range(1600): sys.stdout.write(('y' * 64 + '\\n') * 1024)",
        "import sys\nfor _ in range(1600): sys.stderr.write(('e' * 64 + '\\n') * 1024)",
        "import sys\nfor _ in range(1600): sys.stdout.write('z' * 65536)",
        "import os\nfor _ in range(1600): os.write(1, os.urandom(65536))",
    })
    void case11_hundredMegabytesAreCutAtTheCap(String code) {
        SandboxFixture.Run run = sandbox.run(code, DEFAULTS);
        assertThat(run.result().status()).isEqualTo(ToolStatus.OUTPUT_LIMIT);
        assertThat(run.result().truncated()).isTrue();
        assertThat(run.launch().output()).hasSize(DEFAULTS.outputBytes());
        assertThat(run.result().output().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(DEFAULTS.modelOutputBytes() + 200);
        assertThat(run.result().output()).contains("bytes truncated; output limit reached");
        assertThat(run.launch().killToExitMs()).isLessThanOrEqualTo(CpuStarvation.bound(100));
        assertThat(run.result().toJson()).isNotEmpty();
        assertThat(run.elapsedMs()).isLessThan(5000);
    }

    @Test
    void case11_invalidUtf8AndLoneSurrogatesAreReplaced() {
        SandboxFixture.Run run = sandbox.run("""
                import sys
                print(chr(56550))
                sys.stdout.flush()
                sys.stdout.buffer.write(b"bad:\\xff\\xfe\\xc0\\x80 end\\n")
                """, DEFAULTS);
        assertThat(run.result().status()).isEqualTo(ToolStatus.OK);
        assertThat(run.result().output()).isEqualTo("\uFFFD\nbad:\uFFFD\uFFFD\uFFFD\uFFFD end\n");
        assertThat(run.result().toJson()).contains("\uFFFD").doesNotContain("\\uDCE6");
    }

    @Test
    void moderateOutputIsShownHeadAndTailWithAMarker() {
        SandboxFixture.Run run = sandbox.run("for i in range(20000): print(i)", DEFAULTS);
        assertThat(run.result().status()).isEqualTo(ToolStatus.OK);
        assertThat(run.result().truncated()).isTrue();
        assertThat(run.result().output()).startsWith("0\n1\n2\n").endsWith("19998\n19999\n")
                .contains("bytes truncated ...]");
    }
}
