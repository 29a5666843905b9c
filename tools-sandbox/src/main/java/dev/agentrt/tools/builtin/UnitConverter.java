package dev.agentrt.tools.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code functions.convert_units}: converts a value between units of one dimension (length, mass, volume,
 * time, speed, area, data, temperature). Linear units are a factor to the dimension's base unit; temperature
 * is affine and handled on its own.
 */
public final class UnitConverter implements BuiltinTool {

    private record Unit(String symbol, String dimension, double toBase) {}

    private static final Map<String, Unit> UNITS = new HashMap<>();

    private static void unit(String dimension, double toBase, String symbol, String... aliases) {
        var u = new Unit(symbol, dimension, toBase);
        UNITS.put(symbol.toLowerCase(Locale.ROOT), u);
        for (String a : aliases) UNITS.put(a.toLowerCase(Locale.ROOT), u);
    }

    static {
        unit("length", 1, "m", "meter", "meters", "metre", "metres");
        unit("length", 1000, "km", "kilometer", "kilometers", "kilometre", "kilometres");
        unit("length", 0.01, "cm", "centimeter", "centimeters", "centimetre", "centimetres");
        unit("length", 0.001, "mm", "millimeter", "millimeters", "millimetre", "millimetres");
        unit("length", 1609.344, "mi", "mile", "miles");
        unit("length", 0.9144, "yd", "yard", "yards");
        unit("length", 0.3048, "ft", "foot", "feet");
        unit("length", 0.0254, "in", "inch", "inches");
        unit("length", 1852, "nmi", "nautical mile", "nautical miles");
        unit("mass", 1, "kg", "kilogram", "kilograms", "kilo", "kilos");
        unit("mass", 0.001, "g", "gram", "grams");
        unit("mass", 1e-6, "mg", "milligram", "milligrams");
        unit("mass", 1000, "t", "tonne", "tonnes", "metric ton", "metric tons");
        unit("mass", 0.45359237, "lb", "lbs", "pound", "pounds");
        unit("mass", 0.028349523125, "oz", "ounce", "ounces");
        unit("mass", 6.35029318, "st", "stone", "stones");
        unit("volume", 1, "l", "liter", "liters", "litre", "litres");
        unit("volume", 0.001, "ml", "milliliter", "milliliters", "millilitre", "millilitres");
        unit("volume", 3.785411784, "gal", "gallon", "gallons", "us gallon", "us gallons");
        unit("volume", 0.946352946, "qt", "quart", "quarts");
        unit("volume", 0.473176473, "pt", "pint", "pints");
        unit("volume", 0.2365882365, "cup", "cups");
        unit("volume", 0.0295735295625, "fl oz", "fl_oz", "fluid ounce", "fluid ounces");
        unit("volume", 1000, "m3", "cubic meter", "cubic meters");
        unit("time", 1, "s", "sec", "second", "seconds");
        unit("time", 0.001, "ms", "millisecond", "milliseconds");
        unit("time", 60, "min", "minute", "minutes");
        unit("time", 3600, "h", "hr", "hour", "hours");
        unit("time", 86400, "d", "day", "days");
        unit("time", 604800, "week", "weeks", "wk");
        unit("speed", 1, "m/s", "meters per second", "mps");
        unit("speed", 1000.0 / 3600, "km/h", "kph", "kmh", "kilometers per hour");
        unit("speed", 1609.344 / 3600, "mph", "miles per hour", "mi/h");
        unit("speed", 1852.0 / 3600, "kn", "knot", "knots");
        unit("area", 1, "m2", "square meter", "square meters", "sq m");
        unit("area", 1e6, "km2", "square kilometer", "square kilometers", "sq km");
        unit("area", 0.09290304, "ft2", "square foot", "square feet", "sq ft");
        unit("area", 4046.8564224, "acre", "acres");
        unit("area", 10000, "ha", "hectare", "hectares");
        unit("data", 1, "B", "byte", "bytes");
        unit("data", 1e3, "kB", "KB", "kilobyte", "kilobytes");
        unit("data", 1e6, "MB", "megabyte", "megabytes");
        unit("data", 1e9, "GB", "gigabyte", "gigabytes");
        unit("data", 1e12, "TB", "terabyte", "terabytes");
        unit("data", 1024, "KiB", "kibibyte", "kibibytes");
        unit("data", 1024.0 * 1024, "MiB", "mebibyte", "mebibytes");
        unit("data", 1024.0 * 1024 * 1024, "GiB", "gibibyte", "gibibytes");
        unit("temperature", Double.NaN, "C", "°C", "celsius", "degc");
        unit("temperature", Double.NaN, "F", "°F", "fahrenheit", "degf");
        unit("temperature", Double.NaN, "K", "kelvin", "kelvins");
    }

    @Override
    public String name() {
        return "convert_units";
    }

    @Override
    public String description() {
        return "Convert a value from one unit to another of the same kind (length, mass, volume, time, speed, area, "
            + "data size, temperature), e.g. 5 km to mi, 100 F to C.";
    }

    @Override
    public String parametersSchema() {
        return """
            {"type":"object","properties":{"value":{"type":"number","description":"The amount to convert"},"from":{"type":"string","description":"Unit of the value, e.g. km","minLength":1,"maxLength":32},"to":{"type":"string","description":"Unit wanted, e.g. mi","minLength":1,"maxLength":32}},"required":["value","from","to"],"additionalProperties":false}""";
    }

    @Override
    public String invoke(JsonNode arguments) throws ToolFailure {
        double value = arguments.path("value").asDouble();
        Unit from = lookup(arguments.path("from").asText());
        Unit to = lookup(arguments.path("to").asText());
        if (!from.dimension().equals(to.dimension())) {
            throw new ToolFailure("cannot convert " + from.dimension() + " (" + from.symbol() + ") to "
                + to.dimension() + " (" + to.symbol() + ")");
        }
        double result = from.dimension().equals("temperature")
            ? fromKelvin(toKelvin(value, from.symbol()), to.symbol())
            : value * from.toBase() / to.toBase();
        if (from.dimension().equals("temperature") && toKelvin(value, from.symbol()) < 0) {
            throw new ToolFailure(value + " " + from.symbol() + " is below absolute zero");
        }
        var out = JsonNodeFactory.instance.objectNode();
        out.put("value", Numbers.tidy(value));
        out.put("from", from.symbol());
        out.put("to", to.symbol());
        out.put("result", Numbers.tidy(result));
        return out.toString();
    }

    private static Unit lookup(String text) throws ToolFailure {
        String key = text.trim().toLowerCase(Locale.ROOT);
        Unit u = UNITS.get(key);
        if (u == null && key.endsWith("s")) u = UNITS.get(key.substring(0, key.length() - 1));
        if (u == null) throw new ToolFailure("unknown unit '" + text + "'");
        return u;
    }

    private static double toKelvin(double v, String unit) {
        return switch (unit) {
            case "C" -> v + 273.15;
            case "F" -> (v - 32) * 5 / 9 + 273.15;
            default -> v;
        };
    }

    private static double fromKelvin(double k, String unit) {
        return switch (unit) {
            case "C" -> k - 273.15;
            case "F" -> (k - 273.15) * 9 / 5 + 32;
            default -> k;
        };
    }
}
