package dev.agentrt.harmony.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.GptBytePairEncodingParams;
import com.knuddels.jtokkit.api.IntArrayList;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code o200k_harmony} tokenizer (harmony-format.md §1): the {@code o200k_base} BPE ranks and
 * pre-tokenizer regex, plus Harmony's special-token table.
 *
 * <p>Byte-pair encoding of ordinary text is delegated to jtokkit, registered with ranks we parse from
 * its own {@code o200k_base.tiktoken} resource. jtokkit 1.1.0 cannot encode special tokens, so this
 * class splits text on special-token strings itself and decodes every id (special or not) from its own
 * id → bytes table, which also gives the exact error for unknown ids.
 *
 * <p>Loading takes about a second, so there is one lazily created, immutable, thread-safe instance:
 * {@link #instance()}.
 */
public final class HarmonyTokenizer {
    /** Number of mergeable ranks in {@code o200k_base} (ids 0 … 199,997). */
    public static final int MERGEABLE_RANKS = 199_998;
    /** Ids the encoding knows: 0 … 201,088. */
    public static final int VOCABULARY_SIZE = SpecialTokens.LAST_ID + 1;

    static final String RANKS_RESOURCE = "/com/knuddels/jtokkit/o200k_base.tiktoken";

    /** The o200k pre-tokenizer: seven alternatives, leftmost first (harmony-format.md §1.1). */
    static final String PATTERN = String.join("|",
        "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
        "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
        "\\p{N}{1,3}",
        " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
        "\\s*[\\r\\n]+",
        "\\s+(?!\\S)",
        "\\s+");

    private final Encoding bpe;
    private final byte[][] bytesById;

    private HarmonyTokenizer(Encoding bpe, byte[][] bytesById) {
        this.bpe = bpe;
        this.bytesById = bytesById;
    }

    /** The shared instance; the first call loads the ranks (about a second). */
    public static HarmonyTokenizer instance() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final HarmonyTokenizer INSTANCE = load();
    }

    private static HarmonyTokenizer load() {
        byte[][] bytesById = new byte[VOCABULARY_SIZE][];
        Map<byte[], Integer> ranks = new HashMap<>(2 * MERGEABLE_RANKS);
        try (InputStream in = HarmonyTokenizer.class.getResourceAsStream(RANKS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("jtokkit resource " + RANKS_RESOURCE
                    + " not found on the class path (is com.knuddels:jtokkit:1.1.0 present?)");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
            Base64.Decoder base64 = Base64.getDecoder();
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                int space = line.indexOf(' ');
                if (space <= 0) {
                    throw new IllegalStateException(RANKS_RESOURCE + " line " + lineNo + " is not '<base64> <rank>'");
                }
                byte[] token = base64.decode(line.substring(0, space));
                int rank = Integer.parseInt(line, space + 1, line.length(), 10);
                if (rank < 0 || rank >= MERGEABLE_RANKS || bytesById[rank] != null) {
                    throw new IllegalStateException(RANKS_RESOURCE + " line " + lineNo + ": unexpected rank " + rank);
                }
                bytesById[rank] = token;
                ranks.put(token, rank);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RANKS_RESOURCE, e);
        }
        if (ranks.size() != MERGEABLE_RANKS) {
            throw new IllegalStateException(RANKS_RESOURCE + " holds " + ranks.size() + " ranks, expected " + MERGEABLE_RANKS);
        }
        for (int id = SpecialTokens.FIRST_ID; id <= SpecialTokens.LAST_ID; id++) {
            bytesById[id] = SpecialTokens.text(id).getBytes(StandardCharsets.UTF_8);
        }
        // UNICODE_CHARACTER_CLASS makes \s Unicode White_Space and (?i) Unicode-aware, as in the reference.
        Pattern pattern = Pattern.compile(PATTERN, Pattern.UNICODE_CHARACTER_CLASS);
        Encoding bpe = Encodings.newLazyEncodingRegistry()
            .registerGptBytePairEncoding(new GptBytePairEncodingParams("o200k_harmony", pattern, ranks, SpecialTokens.table()))
            .getEncoding("o200k_harmony")
            .orElseThrow(() -> new IllegalStateException("jtokkit did not register o200k_harmony"));
        return new HarmonyTokenizer(bpe, bytesById);
    }

    /** BPE-encodes {@code text}; special-token strings in it become ordinary tokens. */
    public int[] encodeOrdinary(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        return bpe.encodeOrdinary(text).toArray();
    }

    /** Appends the ordinary encoding of {@code text} to {@code out}. */
    public void encodeOrdinary(String text, TokenBuffer out) {
        if (text.isEmpty()) {
            return;
        }
        IntArrayList ids = bpe.encodeOrdinary(text);
        for (int i = 0, n = ids.size(); i < n; i++) {
            out.add(ids.get(i));
        }
    }

    /**
     * Encodes with every special token allowed: each occurrence of a special-token string becomes its id,
     * the text between is encoded ordinarily (harmony-format.md §1.2).
     */
    public int[] encodeWithSpecialTokens(String text) {
        TokenBuffer out = new TokenBuffer(Math.max(16, text.length() / 3));
        int segmentStart = 0;
        int search = 0;
        while (true) {
            int open = text.indexOf("<|", search);
            if (open < 0) {
                break;
            }
            int close = text.indexOf("|>", open + 2);
            if (close < 0) {
                break;
            }
            int id = SpecialTokens.idOf(text.substring(open, close + 2));
            if (id < 0) {
                search = open + 1;
                continue;
            }
            encodeOrdinary(text.substring(segmentStart, open), out);
            out.add(id);
            segmentStart = close + 2;
            search = segmentStart;
        }
        encodeOrdinary(text.substring(segmentStart), out);
        return out.toArray();
    }

    /** The bytes of one id (special ids give their literal text), or {@code null} for an unknown id. */
    public byte[] tokenBytes(int id) {
        return id >= 0 && id < bytesById.length ? bytesById[id] : null;
    }

    public boolean isKnown(int id) {
        return tokenBytes(id) != null;
    }

    /** Concatenated bytes of the ids; fails with {@code Invalid token for decoding: <id>} for an unknown id. */
    public byte[] decodeBytes(int[] ids) {
        return decodeBytes(ids, 0, ids.length);
    }

    public byte[] decodeBytes(int[] ids, int from, int to) {
        int total = 0;
        for (int i = from; i < to; i++) {
            byte[] b = tokenBytes(ids[i]);
            if (b == null) {
                throw new HarmonyDecodeException("Invalid token for decoding: " + Integer.toUnsignedString(ids[i]));
            }
            total += b.length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (int i = from; i < to; i++) {
            byte[] b = bytesById[ids[i]];
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
        }
        return out;
    }

    /** Decodes to text, failing on unknown ids and on bytes that are not valid UTF-8. */
    public String decodeUtf8(int[] ids) {
        byte[] bytes = decodeBytes(ids);
        Utf8.Check check = Utf8.check(bytes, bytes.length);
        if (!check.isValid(bytes.length)) {
            throw new HarmonyDecodeException(check.errorLength() == 0
                ? "incomplete utf-8 byte sequence from index " + check.validUpTo()
                : "invalid utf-8 sequence of " + check.errorLength() + " bytes from index " + check.validUpTo());
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Decodes to text, replacing invalid UTF-8 with U+FFFD (Python {@code decode}); unknown ids still fail. */
    public String decodeLossy(int[] ids) {
        byte[] bytes = decodeBytes(ids);
        return Utf8.decodeLossy(bytes, bytes.length);
    }
}
