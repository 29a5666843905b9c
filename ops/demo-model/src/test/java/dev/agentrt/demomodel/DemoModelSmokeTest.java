package dev.agentrt.demomodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five held-out questions end to end through the Java CPU engine (greedy) with the real builtin tools in between:
 * the bundled model calls the right tool with the right arguments and its final answer uses the result.
 */
class DemoModelSmokeTest {

    @Test
    void answersHeldOutQuestionsWithTheRightToolCallAndResult(@TempDir Path root) throws Exception {
        List<CaseRunner.EvalCase> cases = CaseRunner.EvalCase.read(Path.of("cases-heldout.jsonl"));
        // One of each kind: calculator, unit conversion, current time, a direct answer, and one more calculation.
        List<CaseRunner.EvalCase> picked = List.of(first(cases, "functions.calculate", 0),
            first(cases, "functions.convert_units", 0), first(cases, "functions.get_current_time", 0),
            first(cases, null, 0), first(cases, "functions.calculate", 1));
        try (var runner = new CaseRunner(DemoModel.unpackInto(root), 2, 96, 4)) {
            for (CaseRunner.EvalCase c : picked) {
                CaseRunner.Outcome o = runner.run(c, Clock.systemUTC());
                assertThat(o.failure()).as("%s: %s -> completions %s", c.id(), c.question(), o.completions()).isNull();
                assertThat(o.calledTool()).isEqualTo(c.expectTool());
                assertThat(o.finalText()).containsPattern(c.expectFinalRegex());
            }
        }
    }

    static CaseRunner.EvalCase first(List<CaseRunner.EvalCase> cases, String tool, int skip) {
        return cases.stream().filter(c -> java.util.Objects.equals(c.expectTool(), tool)).skip(skip).findFirst()
            .orElseThrow();
    }
}
