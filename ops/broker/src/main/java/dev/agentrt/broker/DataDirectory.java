package dev.agentrt.broker;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The broker's storage folder: it holds both the KRaft metadata log and the partition logs.
 *
 * <p>A temporary folder is created on demand and deleted on {@link #release()}; a given folder is kept so that a
 * later broker on the same folder sees the same cluster and records.
 */
final class DataDirectory {

    /** Written by the formatter; its presence means the folder already belongs to a Kafka node. */
    static final String META_PROPERTIES = "meta.properties";

    private final Path path;
    private final boolean temporary;

    private DataDirectory(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    static DataDirectory temporary() {
        try {
            return new DataDirectory(Files.createTempDirectory("agentrt-kafka-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary Kafka data directory", e);
        }
    }

    static DataDirectory persistent(Path path) {
        return new DataDirectory(path.toAbsolutePath().normalize(), false);
    }

    Path path() {
        return path;
    }

    boolean isTemporary() {
        return temporary;
    }

    boolean isFormatted() {
        return Files.isRegularFile(path.resolve(META_PROPERTIES));
    }

    /**
     * Formats the folder for a new single-node cluster unless it already holds one. A non-empty folder that is not
     * a Kafka data directory is refused rather than written into.
     *
     * @return true when the folder was formatted now, false when an existing cluster is reused
     */
    boolean formatIfNeeded(String controllerListenerName) {
        if (isFormatted()) {
            return false;
        }
        try {
            if (Files.exists(path) && !Files.isDirectory(path)) {
                throw new IllegalArgumentException("Kafka data directory " + path + " is a file, not a directory");
            }
            Files.createDirectories(path);
            try (Stream<Path> entries = Files.list(path)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("Kafka data directory " + path + " is not empty and holds no "
                            + META_PROPERTIES + "; refusing to format it (use an empty or new directory)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka data directory " + path, e);
        }
        String dir = path.toString();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(SingleNodeKraftConfig.NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(controllerListenerName)
                    .setMetadataLogDirectory(dir)
                    .addDirectory(dir)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("formatting Kafka data directory " + path + " failed: " + e.getMessage(), e);
        }
        return true;
    }

    /** Held while a broker of this JVM or another process uses the folder. */
    static final String LOCK_FILE = ".agentrt-broker.lock";

    private FileChannel lockChannel;
    private FileLock lock;

    /**
     * Takes the folder for one broker, before Kafka starts: a second broker on the same folder must be refused
     * cleanly, not half-started (a half-started KRaft node sharing a metadata log can hang on shutdown).
     */
    void claim() {
        Path lockPath = path.resolve(LOCK_FILE);
        try {
            lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock Kafka data directory " + path, e);
        }
        if (lock == null) {
            closeChannel();
            throw new IllegalStateException("Kafka data directory " + path
                + " is in use by another running broker (its lock " + LOCK_FILE + " is held)");
        }
    }

    private void closeChannel() {
        try {
            if (lockChannel != null) lockChannel.close();
        } catch (IOException ignored) {
            // closing releases the lock; nothing else to do
        }
        lockChannel = null;
    }

    /** Releases the folder's lock and deletes the folder if it is temporary; a given folder is left as it is. */
    void release() {
        if (lock != null) {
            lock = null;
            closeChannel();
        }
        if (!temporary || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete temporary Kafka data directory " + path, e);
        }
    }
}
