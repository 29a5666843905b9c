package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.ToolStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SmokeTest {
    static SandboxFixture sandbox;

    @BeforeAll
    static void start() {
        sandbox = new SandboxFixture();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void runsPythonInTierA() {
        ToolResult r = sandbox.python("import os\nprint('hello', os.getuid() >= 62000, os.getcwd())");
        System.out.println(r.toPrettyJson());
        assertThat(r.status()).isEqualTo(ToolStatus.OK);
        assertThat(r.output()).isEqualTo("hello True /workspace\n");
        assertThat(r.tier()).isEqualTo("A");
    }
}
