package dev.agentrt.tools.builtin;

import java.math.BigDecimal;
import java.math.MathContext;

/** Formats results the way a person writes them: {@code 4}, not {@code 4.0}; 12 significant digits at most. */
final class Numbers {

    private Numbers() {}

    static BigDecimal tidy(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return BigDecimal.valueOf((long) value);
        BigDecimal d = new BigDecimal(value).round(new MathContext(12)).stripTrailingZeros();
        return d.scale() < 0 && d.precision() - d.scale() <= 15 ? d.setScale(0) : d;
    }
}
