package dev.agentrt.tools.builtin;

import dev.agentrt.tools.builtin.BuiltinTool.ToolFailure;
import java.util.Locale;

/**
 * Arithmetic expressions by recursive descent, never by eval: numbers, {@code + - * / % ^}, parentheses,
 * unary minus, the constants {@code pi} and {@code e}, and the functions {@code sqrt abs round floor ceil
 * ln log log10 exp sin cos tan min max}. {@code ^} is right-associative and binds tighter than unary minus
 * ({@code -2^2 = -4}). Length and nesting are bounded.
 *
 * <pre>
 * expr    = term (('+' | '-') term)*
 * term    = unary (('*' | '/' | '%') unary)*
 * unary   = ('-' | '+') unary | power
 * power   = primary ('^' unary)?
 * primary = number | constant | function '(' expr (',' expr)* ')' | '(' expr ')'
 * </pre>
 */
final class ExpressionParser {

    static final int MAX_LENGTH = 1000;
    static final int MAX_DEPTH = 64;

    private final String src;
    private int pos;
    private int depth;

    private ExpressionParser(String src) {
        this.src = src;
    }

    static double evaluate(String expression) throws ToolFailure {
        if (expression == null || expression.isBlank()) throw new ToolFailure("the expression is empty");
        if (expression.length() > MAX_LENGTH)
            throw new ToolFailure("the expression is longer than " + MAX_LENGTH + " characters");
        var p = new ExpressionParser(expression.replace('×', '*').replace('÷', '/').replace('−', '-'));
        double value = p.expr();
        p.skipSpaces();
        if (p.pos < p.src.length()) throw p.error("unexpected '" + p.src.charAt(p.pos) + "'");
        if (Double.isNaN(value) || Double.isInfinite(value))
            throw new ToolFailure("the result is not a finite number");
        return value;
    }

    private double expr() throws ToolFailure {
        enter();
        double v = term();
        while (true) {
            if (eat('+')) v += term();
            else if (eat('-')) v -= term();
            else break;
        }
        depth--;
        return v;
    }

    private double term() throws ToolFailure {
        double v = unary();
        while (true) {
            if (eat('*')) v *= unary();
            else if (eat('/')) v = divide(v, unary(), false);
            else if (eat('%')) v = divide(v, unary(), true);
            else break;
        }
        return v;
    }

    private double divide(double a, double b, boolean remainder) throws ToolFailure {
        if (b == 0) throw new ToolFailure("division by zero");
        return remainder ? a % b : a / b;
    }

    private double unary() throws ToolFailure {
        enter();
        double v;
        if (eat('-')) v = -unary();
        else if (eat('+')) v = unary();
        else v = power();
        depth--;
        return v;
    }

    private double power() throws ToolFailure {
        double base = primary();
        if (eat('^') || eatTwo('*', '*')) return Math.pow(base, unary());
        return base;
    }

    private double primary() throws ToolFailure {
        skipSpaces();
        if (pos >= src.length()) throw error("the expression ends too early");
        char c = src.charAt(pos);
        if (eat('(')) {
            double v = expr();
            expect(')');
            return v;
        }
        if (Character.isDigit(c) || c == '.') return number();
        if (Character.isLetter(c)) return named();
        throw error("unexpected '" + c + "'");
    }

    private double number() throws ToolFailure {
        int start = pos;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.'
            || src.charAt(pos) == '_' || (src.charAt(pos) == ',' && isThousandsComma()))) pos++;
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')
            && pos + 1 < src.length() && (Character.isDigit(src.charAt(pos + 1))
            || ((src.charAt(pos + 1) == '-' || src.charAt(pos + 1) == '+') && pos + 2 < src.length()
                && Character.isDigit(src.charAt(pos + 2))))) {
            pos += 2;
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
        }
        String text = src.substring(start, pos).replace("_", "").replace(",", "");
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new ToolFailure("'" + src.substring(start, pos) + "' is not a number");
        }
    }

    /** {@code 1,000,000} is a number; {@code max(1,2)} is two arguments: a comma followed by exactly 3 digits then a non-digit. */
    private boolean isThousandsComma() {
        int i = pos + 1;
        int digits = 0;
        while (i < src.length() && Character.isDigit(src.charAt(i))) { i++; digits++; }
        return digits == 3 && depthOfCallArgs == 0;
    }

    private int depthOfCallArgs;

    private static final java.util.Set<String> FUNCTIONS = java.util.Set.of(
        "sqrt", "abs", "round", "floor", "ceil", "ln", "log", "log10", "exp", "sin", "cos", "tan", "min", "max");

    private double named() throws ToolFailure {
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
        String name = src.substring(start, pos).toLowerCase(Locale.ROOT);
        switch (name) {
            case "pi": return Math.PI;
            case "e": return Math.E;
            default: break;
        }
        if (!FUNCTIONS.contains(name)) throw new ToolFailure("unknown function or constant '" + name + "'");
        expect('(');
        depthOfCallArgs++;
        double a = expr();
        double b = Double.NaN;
        boolean two = false;
        if (eat(',')) {
            b = expr();
            two = true;
        }
        depthOfCallArgs--;
        expect(')');
        boolean wantsTwo = name.equals("min") || name.equals("max");
        if (two != wantsTwo) throw new ToolFailure(name + "() takes " + (wantsTwo ? "two arguments" : "one argument"));
        return switch (name) {
            case "sqrt" -> {
                if (a < 0) throw new ToolFailure("sqrt of a negative number");
                yield Math.sqrt(a);
            }
            case "abs" -> Math.abs(a);
            case "round" -> Math.rint(a);
            case "floor" -> Math.floor(a);
            case "ceil" -> Math.ceil(a);
            case "ln" -> log(a, Math.E);
            case "log", "log10" -> log(a, 10);
            case "exp" -> Math.exp(a);
            case "sin" -> Math.sin(a);
            case "cos" -> Math.cos(a);
            case "tan" -> Math.tan(a);
            case "min" -> Math.min(a, b);
            case "max" -> Math.max(a, b);
            default -> throw new ToolFailure("unknown function or constant '" + name + "'");
        };
    }

    private static double log(double a, double base) throws ToolFailure {
        if (a <= 0) throw new ToolFailure("logarithm of a number <= 0");
        return base == Math.E ? Math.log(a) : Math.log10(a);
    }

    private void enter() throws ToolFailure {
        if (++depth > MAX_DEPTH) throw new ToolFailure("the expression is nested deeper than " + MAX_DEPTH + " levels");
    }

    private void skipSpaces() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) pos++;
    }

    private boolean eat(char c) {
        skipSpaces();
        if (pos < src.length() && src.charAt(pos) == c && !(c == '*' && pos + 1 < src.length() && src.charAt(pos + 1) == '*')) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean eatTwo(char a, char b) {
        skipSpaces();
        if (pos + 1 < src.length() && src.charAt(pos) == a && src.charAt(pos + 1) == b) {
            pos += 2;
            return true;
        }
        return false;
    }

    private void expect(char c) throws ToolFailure {
        if (!eat(c)) throw error("expected '" + c + "'");
    }

    private ToolFailure error(String what) {
        return new ToolFailure(what + " at position " + (pos + 1) + " of '" + src + "'");
    }
}
