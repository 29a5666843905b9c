package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The helper binary and seccomp filter built by src/main/c/build-native.sh, extracted from the
 * classpath into a root-owned directory that guests can read and execute but not change.
 */
public record NativeHelper(Path directory) {

    static final String HELPER = "agentrt-sandbox-helper";
    static final String SECCOMP = "seccomp-x86_64.bpf";

    public Path helper() {
        return directory.resolve(HELPER);
    }

    public Path seccompFilter() {
        return directory.resolve(SECCOMP);
    }

    public static NativeHelper extract(Path directory) {
        try {
            Files.createDirectories(directory);
            if (Files.isSymbolicLink(directory)) {
                throw new SandboxException("native directory is a symlink: " + directory);
            }
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            copy(HELPER, directory, "rwxr-xr-x");
            copy(SECCOMP, directory, "rw-r--r--");
        } catch (IOException e) {
            throw new SandboxException("cannot extract the sandbox helper: " + e.getMessage(), e);
        }
        return new NativeHelper(directory);
    }

    private static void copy(String name, Path directory, String perms) throws IOException {
        try (InputStream in = NativeHelper.class.getResourceAsStream("/native/" + name)) {
            if (in == null) {
                throw new SandboxException("native resource /native/" + name + " missing from the classpath;"
                        + " the tools-sandbox build compiles it (src/main/c/build-native.sh)");
            }
            Path tmp = Files.createTempFile(directory, "." + name, ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(perms));
            Files.move(tmp, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        if (!Files.isRegularFile(directory.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
            throw new SandboxException("extracted " + name + " is not a regular file");
        }
    }
}
