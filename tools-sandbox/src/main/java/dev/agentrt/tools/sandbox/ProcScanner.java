package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists live host processes by uid from /proc: the "slot uid owns no process" check. Zombies are
 * not counted: they have exited and hold no memory or CPU. bubblewrap's monitor exits as soon as
 * it has the guest's status, so its pid-1 child is briefly a zombie owned by the host's init.
 */
public final class ProcScanner {
    private ProcScanner() {
    }

    public static List<Long> processesOf(int uid) {
        List<Long> pids = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                buffer.clear();
                try (FileChannel status = FileChannel.open(dir.resolve("status"), StandardOpenOption.READ)) {
                    while (buffer.hasRemaining() && status.read(buffer) > 0) {
                        // /proc status of one process fits in 4 KiB well before the Uid line ends
                    }
                } catch (IOException e) {
                    continue; // exited while we looked
                }
                String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
                if (!text.contains("\nState:\tZ") && ownedBy(text, uid)) {
                    pids.add(Long.parseLong(dir.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new SandboxException("cannot scan /proc", e);
        }
        return pids;
    }

    /** Whether any of the real, effective, saved or filesystem uids in a status text is {@code uid}. */
    private static boolean ownedBy(String status, int uid) {
        int start = status.indexOf("\nUid:");
        if (start < 0) {
            return false;
        }
        int end = status.indexOf('\n', start + 1);
        String line = status.substring(start + 5, end < 0 ? status.length() : end);
        for (String id : line.trim().split("\t")) {
            if (!id.isEmpty() && Integer.parseInt(id.trim()) == uid) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until the uid owns no live process. Processes killed through the cgroup leave it when
     * they start exiting, so /proc may show them for a moment longer.
     */
    public static List<Long> awaitNoneOf(int uid, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        List<Long> left = processesOf(uid);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = processesOf(uid);
        }
        return left;
    }

    /** "pid name state ppid" for an alert message. */
    public static String describe(long pid) {
        String status = SysFiles.readOrNull(Path.of("/proc", Long.toString(pid), "status"));
        if (status == null) {
            return pid + " (gone)";
        }
        StringBuilder out = new StringBuilder(Long.toString(pid));
        for (String line : status.split("\n")) {
            if (line.startsWith("Name:") || line.startsWith("State:") || line.startsWith("PPid:")) {
                out.append(' ').append(line.replaceAll("\\s+", " "));
            }
        }
        return out.toString();
    }
}
