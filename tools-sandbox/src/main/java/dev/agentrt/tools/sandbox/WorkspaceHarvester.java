package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Collects files a guest left in its workspace, after the guest is dead and swept (so nothing
 * can swap a path under the walk). Symlinks are never followed, only regular files with a single
 * link are read (opened with O_NOFOLLOW), and count, size, depth and time are capped. Files over
 * the size cap are skipped by their apparent size, so a sparse 1 TiB file is never read.
 */
public final class WorkspaceHarvester {

    /** What was collected and what was refused (path and reason). */
    public record Harvest(List<HarvestedFile> files, List<String> refused, boolean timedOut) {
    }

    private WorkspaceHarvester() {
    }

    public static Harvest harvest(Path workDir, HarvestLimits limits) {
        List<HarvestedFile> files = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        long deadline = System.nanoTime() + limits.maxMillis() * 1_000_000;
        boolean[] timedOut = {false};
        long[] total = {0};
        try {
            Files.walkFileTree(workDir, EnumSet.noneOf(FileVisitOption.class), limits.maxDepth(),
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                            if (System.nanoTime() > deadline) {
                                timedOut[0] = true;
                                return FileVisitResult.TERMINATE;
                            }
                            String name = workDir.relativize(file).toString();
                            String problem = refusal(file, name, attrs, limits, files.size(), total[0]);
                            if (problem != null) {
                                if (refused.size() < 100) {
                                    refused.add(printable(name) + ": " + problem);
                                }
                                return FileVisitResult.CONTINUE;
                            }
                            byte[] content = readNoFollow(file, attrs.size());
                            total[0] += content.length;
                            files.add(new HarvestedFile(name, content));
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            if (refused.size() < 100) {
                                refused.add(printable(workDir.relativize(file).toString()) + ": " + e.getMessage());
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            refused.add("walk failed: " + e.getMessage());
        }
        return new Harvest(files, refused, timedOut[0]);
    }

    private static String refusal(Path file, String name, BasicFileAttributes attrs, HarvestLimits limits,
                                  int count, long total) throws IOException {
        if (!attrs.isRegularFile()) {
            return attrs.isSymbolicLink() ? "symbolic link" : "not a regular file";
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "control character in name";
        }
        int links = (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        if (links != 1) {
            return "hard link";
        }
        if (count >= limits.maxFiles()) {
            return "file count cap";
        }
        if (attrs.size() > limits.maxFileBytes()) {
            return "larger than " + limits.maxFileBytes() + " bytes";
        }
        if (total + attrs.size() > limits.maxTotalBytes()) {
            return "total size cap";
        }
        return null;
    }

    private static byte[] readNoFollow(Path file, long size) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // reads at most the size seen in the walk; a file cannot grow, its writer is dead
            }
            return java.util.Arrays.copyOf(buffer.array(), buffer.position());
        }
    }

    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
