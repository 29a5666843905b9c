package dev.agentrt.cli.model;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code 1,2,3} into token ids. */
public final class TokenIds implements ITypeConverter<int[]> {
    @Override
    public int[] convert(String value) {
        String[] parts = value.split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("not a token id: '" + parts[i] + "' (expected e.g. 1,2,3)");
            }
            if (ids[i] < 0) {
                throw new TypeConversionException("token ids are non-negative, got " + ids[i]);
            }
        }
        return ids;
    }
}
