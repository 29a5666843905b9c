package dev.agentrt.tools.sandbox;

/** A regular file collected from the workspace; {@code path} is relative to it, '/'-separated. */
public record HarvestedFile(String path, byte[] content) {
    public HarvestedFile {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }
}
