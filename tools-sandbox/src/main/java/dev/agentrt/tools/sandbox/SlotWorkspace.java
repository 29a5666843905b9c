package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/** Creates a slot's private directories before a call and wipes them after it. */
final class SlotWorkspace {
    private SlotWorkspace() {
    }

    static void prepare(Slot slot) {
        try {
            for (Path dir : new Path[] {slot.dir(), slot.workDir(), slot.tmpDir()}) {
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                        throw new SandboxException("slot path is not a directory: " + dir);
                    }
                } else {
                    Files.createDirectory(dir);
                }
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                Files.setAttribute(dir, "unix:uid", slot.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(dir, "unix:gid", slot.uid(), LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException e) {
            throw new SandboxException("cannot prepare slot " + slot.index() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes everything in the slot directory. The guest is already dead, so nothing changes
     * underneath. The common small tree is deleted in-process (the walk never follows symlinks);
     * anything Java's path-based walk cannot handle (a tree deeper than PATH_MAX, say) falls back to
     * {@code rm -rf}, which works with openat() and never follows symlinks either.
     */
    static void wipe(Slot slot) {
        if (!Files.exists(slot.dir(), LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            deleteTree(slot.dir());
            return;
        } catch (IOException | RuntimeException e) {
            // fall through to rm -rf
        }
        removeWithRm(slot);
    }

    private static final int IN_PROCESS_DELETE_LIMIT = 10_000;

    private static void deleteTree(Path root) throws IOException {
        int[] budget = {IN_PROCESS_DELETE_LIMIT};
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs)
                    throws IOException {
                if (--budget[0] < 0) {
                    throw new IOException("large tree: leave it to rm");
                }
                Files.delete(file);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    private static void removeWithRm(Slot slot) {
        try {
            Process rm = new ProcessBuilder("/usr/bin/rm", "-rf", "--one-file-system", "--", slot.dir().toString())
                    .redirectErrorStream(true).start();
            rm.getOutputStream().close();
            byte[] message = rm.getInputStream().readNBytes(4096);
            if (!rm.waitFor(30, TimeUnit.SECONDS)) {
                rm.destroyForcibly();
                throw new SandboxException("wiping slot " + slot.index() + " timed out");
            }
            if (rm.exitValue() != 0 || Files.exists(slot.dir(), LinkOption.NOFOLLOW_LINKS)) {
                throw new SandboxException("wiping slot " + slot.index() + " failed: " + new String(message));
            }
        } catch (IOException e) {
            throw new SandboxException("cannot wipe slot " + slot.index() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while wiping slot " + slot.index());
        }
    }
}
