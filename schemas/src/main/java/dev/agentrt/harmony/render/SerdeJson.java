package dev.agentrt.harmony.render;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON exactly like Rust's {@code serde_json::to_string} (compact, keys in input order, integers as
 * written, other numbers in {@code ryu}'s shortest form). Tool schema defaults are rendered with it, so the
 * bytes must match the reference (harmony-format.md §3.4).
 */
public final class SerdeJson {
    private static final BigInteger U64_MAX = new BigInteger("18446744073709551615");
    private static final BigInteger I64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SerdeJson() {
    }

    public static String write(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    public static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.append('{');
                boolean first = true;
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    writeString(e.getKey(), out);
                    out.append(':');
                    write(e.getValue(), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> writeString(node.textValue(), out);
            case BOOLEAN -> out.append(node.booleanValue());
            case NUMBER -> writeNumber(node, out);
            default -> out.append("null"); // NULL, and nodes that have no JSON form
        }
    }

    private static void writeNumber(JsonNode node, StringBuilder out) {
        if (node.isIntegralNumber()) {
            BigInteger value = node.bigIntegerValue();
            // serde_json keeps integers that fit i64 or u64; larger ones were parsed as f64.
            if (value.compareTo(I64_MIN) >= 0 && value.compareTo(U64_MAX) <= 0) {
                out.append(value);
            } else {
                out.append(ryu(value.doubleValue()));
            }
        } else {
            out.append(ryu(node.doubleValue()));
        }
    }

    /** serde_json's string escaping: short forms for \b \f \n \r \t, {@code \\u00XX} for other controls. */
    public static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Formats a double like Rust's {@code ryu} crate: shortest round-trip digits, then plain decimal for
     * exponents in (-5, 16], scientific otherwise ({@code 1e16}, {@code 1.5e-7}); integers get {@code .0}.
     */
    public static String ryu(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null"; // serde_json writes non-finite floats as null
        }
        if (v == 0) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-0.0" : "0.0";
        }
        StringBuilder out = new StringBuilder(24);
        if (v < 0) {
            out.append('-');
        }
        // Since JDK 19 Double.toString yields the shortest digits that round-trip, like ryu.
        BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int length = digits.length();
        int kk = length - shortest.scale(); // value = 0.digits × 10^kk
        if (shortest.scale() <= 0 && kk <= 16) {
            out.append(digits).append("0".repeat(kk - length)).append(".0");
        } else if (kk > 0 && kk <= 16) {
            out.append(digits, 0, kk).append('.').append(digits, kk, length);
        } else if (kk > -5 && kk <= 0) {
            out.append("0.").append("0".repeat(-kk)).append(digits);
        } else {
            out.append(digits.charAt(0));
            if (length > 1) {
                out.append('.').append(digits, 1, length);
            }
            out.append('e').append(kk - 1);
        }
        return out.toString();
    }
}
