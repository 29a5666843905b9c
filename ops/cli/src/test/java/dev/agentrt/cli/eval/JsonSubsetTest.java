package dev.agentrt.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonSubsetTest {

    private static final JsonMapper JSON = JsonMapper.builder()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String mismatch(String expected, String actual) {
        return JsonSubset.mismatch(json(expected), json(actual));
    }

    @ParameterizedTest(name = "{0} ⊆ {1}")
    @CsvSource(delimiter = '|', value = {
        "{}                                   | {\"a\":1}",
        "{\"a\":1}                            | {\"a\":1,\"b\":2}",
        "{\"a\":5}                            | {\"a\":5.0}",
        "{\"a\":5.0}                          | {\"a\":5}",
        "{\"a\":5}                            | {\"a\":5e0}",
        "{\"a\":0.1}                          | {\"a\":0.10}",
        "{\"a\":-2.50}                        | {\"a\":-2.5}",
        "{\"a\":12345678901234567890}         | {\"a\":12345678901234567890.0}",
        "{\"a\":{\"b\":{\"c\":\"x\"}}}        | {\"a\":{\"b\":{\"c\":\"x\",\"d\":1},\"e\":[]}}",
        "{\"a\":[1,2,3]}                      | {\"a\":[1.0,2,3e0]}",
        "{\"a\":[{\"b\":1}]}                  | {\"a\":[{\"b\":1,\"c\":2}]}",
        "{\"a\":true,\"b\":null,\"c\":\"s\"}  | {\"a\":true,\"b\":null,\"c\":\"s\",\"d\":0}",
        "{\"a\":[]}                           | {\"a\":[]}",
    })
    void isASubset(String expected, String actual) {
        assertThat(mismatch(expected, actual)).isNull();
    }

    @ParameterizedTest(name = "{0} ⊄ {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"a\":1}                    | {}                            | a: missing (expected 1)",
        "{\"a\":1}                    | {\"a\":2}                     | a: expected 1, got 2",
        "{\"a\":5}                    | {\"a\":\"5\"}                 | a: expected 5, got \"5\"",
        "{\"a\":\"5\"}                | {\"a\":5}                     | a: expected \"5\", got 5",
        "{\"a\":0.1}                  | {\"a\":0.1000001}             | a: expected 0.1, got 0.1000001",
        "{\"a\":true}                 | {\"a\":\"true\"}              | a: expected true, got \"true\"",
        "{\"a\":null}                 | {\"a\":0}                     | a: expected null, got 0",
        "{\"a\":null}                 | {}                            | a: missing (expected null)",
        "{\"a\":{\"b\":1}}            | {\"a\":{\"b\":1.5}}           | a.b: expected 1, got 1.5",
        "{\"a\":{\"b\":{\"c\":1}}}    | {\"a\":{\"b\":{}}}            | a.b.c: missing (expected 1)",
        "{\"a\":{\"b\":1}}            | {\"a\":[1]}                   | a: expected an object, got [1]",
        "{\"a\":[1,2]}                | {\"a\":[1,2,3]}               | a: expected 2 elements, got 3",
        "{\"a\":[1,2]}                | {\"a\":[2,1]}                 | a[0]: expected 1, got 2",
        "{\"a\":[{\"b\":1}]}          | {\"a\":[{\"b\":2}]}           | a[0].b: expected 1, got 2",
        "{\"a\":[1]}                  | {\"a\":1}                     | a: expected an array, got 1",
        "{\"a\":\"x\"}                | {\"a\":\"X\"}                 | a: expected \"x\", got \"X\"",
    })
    void reportsTheFirstDifferenceWithItsPath(String expected, String actual, String why) {
        assertThat(mismatch(expected, actual)).isEqualTo(why);
    }

    @org.junit.jupiter.api.Test
    void longValuesAreShortenedInTheReport() {
        String big = "\"" + "y".repeat(100) + "\"";
        assertThat(mismatch("{\"a\":\"x\"}", "{\"a\":" + big + "}")).hasSizeLessThan(100).endsWith("...");
    }
}
