package dev.agentrt.cli.harmony;

/** Parses a list of token ids: whitespace and/or commas between them, optional surrounding brackets. */
final class TokenIds {
    private static final long MAX_UNSIGNED_32 = 0xFFFF_FFFFL;

    private TokenIds() {
    }

    static int[] parse(String list) throws CommandFailure {
        String trimmed = list.strip();
        if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1).strip();
        }
        if (trimmed.isEmpty()) {
            return new int[0];
        }
        String[] parts = trimmed.split("[\\s,]+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            long value;
            try {
                value = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new CommandFailure("not a token id: '" + parts[i] + "'");
            }
            if (value < 0 || value > MAX_UNSIGNED_32) {
                throw new CommandFailure("token id out of range 0..4294967295: " + parts[i]);
            }
            ids[i] = (int) value; // ids are u32 in the reference; ids above 2^31 are unknown ids either way
        }
        return ids;
    }
}
