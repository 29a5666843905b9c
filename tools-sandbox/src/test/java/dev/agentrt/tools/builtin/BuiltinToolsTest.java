package dev.agentrt.tools.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.tools.builtin.BuiltinTools.Outcome;
import dev.agentrt.tools.builtin.BuiltinTools.Status;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BuiltinToolsTest {

    private final BuiltinTools tools =
        BuiltinTools.standard(Clock.fixed(Instant.parse("2026-11-28T09:15:30Z"), ZoneOffset.UTC));

    private Outcome calc(String expression) {
        return tools.call("functions.calculate", "{\"expression\":\"" + expression + "\"}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2 + 2 | 4",
        "2 + 3 * 4 | 14",
        "(2 + 3) * 4 | 20",
        "-2^2 | -4",
        "2^3^2 | 512",
        "2 ** 10 | 1024",
        "10 / 4 | 2.5",
        "7 % 3 | 1",
        "sqrt(16) + abs(-3) | 7",
        "max(3, 9) - min(3, 9) | 6",
        "round(2.5) | 2",
        "1,234,567 * 2 | 2469134",
        "1e3 + 1.5e-1 | 1000.15",
        "0.1 + 0.2 | 0.3",
        "17.5 * 3 | 52.5",
        "pi | 3.14159265359",
        "log(1000) | 3",
        "12 × 3 ÷ 4 | 9",
    })
    void evaluatesArithmetic(String expression, String expected) {
        Outcome o = calc(expression);
        assertThat(o.status()).as(o.text()).isEqualTo(Status.OK);
        assertThat(o.text()).contains("\"result\":" + expected + "}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1 / 0 | division by zero",
        "2 + | ends too early",
        "2 3 | unexpected '3'",
        "foo(2) | unknown function",
        "sqrt(-1) | negative",
        "10 ^ 400 | not a finite number",
        "System.exit(0) | unknown function",
        "max(1) | two arguments",
    })
    void rejectsBadExpressionsWithAReadableError(String expression, String message) {
        Outcome o = calc(expression);
        assertThat(o.status()).isEqualTo(Status.ERROR);
        assertThat(o.text()).contains(message);
    }

    @Test
    void boundsNesting() {
        Outcome o = calc("(".repeat(200) + "1" + ")".repeat(200));
        assertThat(o.status()).isEqualTo(Status.ERROR);
        assertThat(o.text()).contains("nested deeper");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "5 | km | mi | 3.10685596119",
        "100 | F | C | 37.7777777778",
        "0 | C | K | 273.15",
        "2 | hours | minutes | 120",
        "1 | GiB | MB | 1073.741824",
        "60 | mph | km/h | 96.56064",
        "3 | pounds | kg | 1.36077711",
        "1 | acre | m2 | 4046.8564224",
    })
    void convertsUnits(String value, String from, String to, String expected) {
        Outcome o = tools.call("functions.convert_units",
            "{\"value\":" + value + ",\"from\":\"" + from + "\",\"to\":\"" + to + "\"}");
        assertThat(o.status()).as(o.text()).isEqualTo(Status.OK);
        assertThat(o.text()).contains("\"result\":" + expected + "}");
    }

    @Test
    void refusesToMixDimensionsAndUnknownUnits() {
        assertThat(tools.call("functions.convert_units", "{\"value\":1,\"from\":\"kg\",\"to\":\"km\"}").text())
            .contains("cannot convert mass (kg) to length (km)");
        assertThat(tools.call("functions.convert_units", "{\"value\":1,\"from\":\"smoots\",\"to\":\"m\"}").text())
            .contains("unknown unit 'smoots'");
        assertThat(tools.call("functions.convert_units", "{\"value\":-500,\"from\":\"C\",\"to\":\"K\"}").text())
            .contains("below absolute zero");
    }

    @Test
    void currentTimeUsesTheClockAndZone() {
        Outcome utc = tools.call("functions.get_current_time", "{}");
        assertThat(utc.status()).isEqualTo(Status.OK);
        assertThat(utc.text()).contains("\"datetime\":\"2026-11-28T09:15:30Z\"").contains("\"weekday\":\"Saturday\"");
        Outcome paris = tools.call("functions.get_current_time", "{\"timezone\":\"Europe/Paris\"}");
        assertThat(paris.text()).contains("\"datetime\":\"2026-11-28T10:15:30+01:00\"").contains("\"time\":\"10:15:30\"");
        Outcome bad = tools.call("functions.get_current_time", "{\"timezone\":\"Mars/Olympus\"}");
        assertThat(bad.status()).isEqualTo(Status.ERROR);
        assertThat(bad.text()).contains("unknown time zone");
    }

    @Test
    void argumentsAreValidatedAgainstTheSchemaBeforeTheToolRuns() {
        Outcome missing = tools.call("functions.convert_units", "{\"value\":1,\"from\":\"kg\"}");
        assertThat(missing.status()).isEqualTo(Status.BAD_ARGUMENTS);
        assertThat(missing.text()).contains("$: missing required property 'to'");
        Outcome wrongType = tools.call("functions.convert_units", "{\"value\":\"one\",\"from\":\"kg\",\"to\":\"g\"}");
        assertThat(wrongType.text()).contains("$.value: expected number, got string");
        Outcome extra = tools.call("functions.calculate", "{\"expression\":\"1\",\"shell\":\"rm -rf /\"}");
        assertThat(extra.text()).contains("$.shell: unknown property");
    }

    @Test
    void malformedOrHostileJsonIsRejectedNotCrashed() {
        assertThat(tools.call("functions.calculate", "not json").status()).isEqualTo(Status.BAD_ARGUMENTS);
        assertThat(tools.call("functions.calculate", "{\"expression\":\"1\",\"expression\":\"2\"}").text())
            .contains("Duplicate field 'expression'");
        assertThat(tools.call("functions.calculate", "[".repeat(100) + "]".repeat(100)).text())
            .contains("nesting depth");
        assertThat(tools.call("functions.calculate", "{\"expression\":\"1\"} trailing").status())
            .isEqualTo(Status.BAD_ARGUMENTS);
        assertThat(tools.call("functions.calculate", "").text()).contains("empty");
    }

    @Test
    void unknownBuiltin() {
        assertThat(tools.call("functions.nope", "{}").status()).isEqualTo(Status.UNKNOWN_TOOL);
    }

    @Test
    void everyBuiltinHasAValidSchemaAndDescription() {
        assertThat(tools.all()).extracting(BuiltinTool::recipient)
            .containsExactly("functions.calculate", "functions.convert_units", "functions.get_current_time");
        assertThat(tools.all()).allSatisfy(t -> assertThat(t.description()).isNotBlank());
    }
}
