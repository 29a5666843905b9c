package dev.agentrt.harmony;

import java.util.ArrayList;
import java.util.List;

/** Parses a decoded message header (the text between {@code <|start|>} and {@code <|message|>}), §6.3. */
final class HeaderParser {
    private static final String CHANNEL_MARKER = "<|channel|>";
    private static final String CONSTRAIN_MARKER = "<|constrain|>";

    /** The header plus, in recovery mode, the words that become the message content. */
    record Result(MessageHeader header, String recoveredContent) {
    }

    private HeaderParser() {
    }

    /** Full mode: recipient and content type are extracted; leftover words are an error. */
    static MessageHeader parse(String h, Role role) {
        return parse(h, role, true).header();
    }

    /** Recovery mode (non-strict header cut off by a stop token): leftover words become content. */
    static Result parseRecovering(String h, Role role) {
        return parse(h, role, false);
    }

    private static Result parse(String h, Role role, boolean full) {
        String channel = null;
        int marker = h.indexOf(CHANNEL_MARKER);
        if (marker >= 0) {
            int start = marker + CHANNEL_MARKER.length();
            int end = start;
            while (end < h.length()) {
                int cp = h.codePointAt(end);
                if (cp == '<' || isWhiteSpace(cp)) {
                    break;
                }
                end += Character.charCount(cp);
            }
            if (end == start) {
                throw new HarmonyParseException("channel marker present but no channel value found in header");
            }
            channel = h.substring(start, end);
            h = h.substring(0, marker) + h.substring(end);
        }
        h = trim(h);
        if (h.contains(CONSTRAIN_MARKER)) {
            h = trim(h.replace(CONSTRAIN_MARKER, " " + CONSTRAIN_MARKER));
        }
        List<String> parts = splitAsciiWhitespace(h);

        String authorName = null;
        if (role == null) {
            if (parts.isEmpty()) {
                throw new HarmonyParseException("message header did not contain a role");
            }
            String first = parts.getFirst();
            role = Role.fromWireOrNull(first);
            if (role == null) {
                if (parts.size() > 1 || first.startsWith("to=")) {
                    authorName = parts.removeFirst();
                    role = Role.TOOL;
                } else {
                    throw new HarmonyParseException("Unknown role: " + first);
                }
            }
        }
        if (!parts.isEmpty() && parts.getFirst().equals(role.wire())) {
            parts.removeFirst();
        }
        Author author = new Author(role, authorName);

        if (!full) {
            return new Result(new MessageHeader(author, null, channel, null), String.join(" ", parts));
        }
        String recipient = null;
        String contentType = null;
        if (!parts.isEmpty()) {
            int n = parts.size();
            String last = parts.removeLast();
            if (last.startsWith("to=")) {
                recipient = last.substring(3);
            } else if (n == 1) {
                recipient = last; // a single bare word is a recipient, not a content type
            } else {
                contentType = last;
                if (!parts.isEmpty()) {
                    String r = parts.removeLast();
                    recipient = r.startsWith("to=") ? r.substring(3) : r;
                }
            }
        }
        if (!parts.isEmpty()) {
            throw new HarmonyParseException("unexpected tokens remaining in message header: Some("
                + rustDebugString(String.join(" ", parts)) + ")");
        }
        return new Result(new MessageHeader(author, recipient, channel, contentType), null);
    }

    /** Unicode White_Space, which is what Rust's {@code char::is_whitespace} and {@code str::trim} use. */
    static boolean isWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
            || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
            || cp == 0x3000;
    }

    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWhiteSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && isWhiteSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    /** Rust {@code split_ascii_whitespace}: separators are space, \t, \n, \f, \r (not \v). */
    static List<String> splitAsciiWhitespace(String s) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && isAsciiWhitespace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < s.length() && !isAsciiWhitespace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                parts.add(s.substring(start, i));
            }
        }
        return parts;
    }

    private static boolean isAsciiWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    /** A string quoted as Rust's Debug does: {@code "} and {@code \} escaped, control characters as escapes. */
    static String rustDebugString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case 0 -> out.append("\\0");
                default -> {
                    if (Character.isISOControl(cp)) {
                        out.append("\\u{").append(Integer.toHexString(cp)).append('}');
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return out.append('"').toString();
    }
}
