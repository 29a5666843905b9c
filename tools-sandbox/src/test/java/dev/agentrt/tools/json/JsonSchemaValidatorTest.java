package dev.agentrt.tools.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class JsonSchemaValidatorTest {

    private final BoundedJsonParser parser = new BoundedJsonParser(JsonLimits.TOOL_ARGUMENTS);

    private JsonNode json(String s) throws JsonInputException {
        return parser.parse(s);
    }

    @Test
    void checksNestedObjectsArraysEnumsAndBounds() throws Exception {
        var schema = new JsonSchemaValidator(json("""
            {"type":"object","required":["city","days"],"properties":{
              "city":{"type":"string","minLength":2,"pattern":"^[A-Z]"},
              "days":{"type":"integer","minimum":1,"maximum":14},
              "units":{"enum":["metric","imperial"]},
              "tags":{"type":"array","maxItems":2,"items":{"type":"string"}},
              "where":{"type":"object","properties":{"lat":{"type":"number","exclusiveMaximum":90}}}}}"""));
        assertThat(schema.validate(json("{\"city\":\"Paris\",\"days\":3}"))).isEmpty();
        assertThat(schema.validate(json("{\"city\":\"Paris\",\"days\":3.0}"))).isEmpty();
        assertThat(schema.validate(json("""
            {"city":"p","days":20,"units":"kelvin","tags":["a",1,"c"],"where":{"lat":90}}""")))
            .containsExactlyInAnyOrder(
                "$.city: must have at least 2 characters",
                "$.city: must match the pattern \"^[A-Z]\"",
                "$.days: must be <= 14",
                "$.units: must be one of [\"metric\",\"imperial\"]",
                "$.tags: must have at most 2 items",
                "$.tags[1]: expected string, got integer",
                "$.where.lat: must be < 90");
    }

    @Test
    void anyOfAndUnionTypes() throws Exception {
        var schema = new JsonSchemaValidator(json("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}"));
        assertThat(schema.validate(json("\"x\""))).isEmpty();
        assertThat(schema.validate(json("true"))).containsExactly("$: matches none of the allowed shapes");
        var union = new JsonSchemaValidator(json("{\"type\":[\"string\",\"null\"]}"));
        assertThat(union.validate(json("null"))).isEmpty();
        assertThat(union.validate(json("1"))).containsExactly("$: expected [\"string\",\"null\"], got integer");
    }

    @Test
    void parserEnforcesLimits() {
        var tight = new BoundedJsonParser(new JsonLimits(64, 3, 10, 5));
        assertThatThrownBy(() -> tight.parse("{\"a\":\"" + "x".repeat(100) + "\"}")).hasMessageContaining("limit is 64");
        assertThatThrownBy(() -> tight.parse("{\"a\":\"" + "x".repeat(20) + "\"}")).hasMessageContaining("String value length");
        assertThatThrownBy(() -> tight.parse("[[[[1]]]]")).hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> tight.parse("1234567")).hasMessageContaining("Number value length");
        assertThatThrownBy(() -> tight.parse("NaN")).isInstanceOf(JsonInputException.class);
    }
}
