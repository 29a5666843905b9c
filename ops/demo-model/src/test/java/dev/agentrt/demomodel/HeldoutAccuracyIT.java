package dev.agentrt.demomodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every held-out case through the Java CPU engine (minutes; not in the default run):
 * {@code ./mvnw -o -pl ops/demo-model -am -Dtest=HeldoutAccuracyIT -Dsurefire.failIfNoSpecifiedTests=false test}
 * (or {@code ops/demo-model/eval}). Target: at least 90% right tool and arguments, 90% right final answers.
 */
class HeldoutAccuracyIT {

    @Test
    void heldOutAccuracyReachesTheTarget(@TempDir Path root) throws Exception {
        try (var runner = new CaseRunner(DemoModel.unpackInto(root), 2, 128, 4)) {
            HeldoutEval.Report r = HeldoutEval.run(runner, CaseRunner.EvalCase.read(Path.of("cases-heldout.jsonl")),
                Clock.systemUTC(), false);
            System.out.println(r.describe());
            assertThat(r.toolAccuracy()).as(r.describe()).isGreaterThanOrEqualTo(0.9);
            assertThat(r.finalAccuracy()).as(r.describe()).isGreaterThanOrEqualTo(0.9);
        }
    }
}
