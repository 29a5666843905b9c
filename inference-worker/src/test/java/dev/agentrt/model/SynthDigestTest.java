package dev.agentrt.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.model.synth.SynthPreset;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec §12.2: the deterministic tiny checkpoints have exactly the published SHA-256 digests. */
class SynthDigestTest {
    @TempDir
    Path tmp;

    @Test
    void tiny1kMatchesPublishedDigest() throws Exception {
        Path file = TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.ORIGINAL, tmp).resolve("model.safetensors");
        assertThat(Files.size(file)).isEqualTo(371_936L);
        byte[] head = Files.readAllBytes(file);
        assertThat(ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(2_872L);
        assertThat(sha256(file)).isEqualTo("5c5cf195294046bfc42ea230c04d9ae2f2134cd22397b45416d51f3665eb768d");
    }

    @Test
    void tinyFullMatchesPublishedDigest() throws Exception {
        Path file = TinyCheckpoints.write(SynthPreset.TINY_FULL, CheckpointLayout.ORIGINAL, tmp).resolve("model.safetensors");
        assertThat(Files.size(file)).isEqualTo(51_588_336L);
        assertThat(sha256(file)).isEqualTo("425cd222219ce28701905d2944002121cbe662f9a0c44c075349b22e3c9d7a17");
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
