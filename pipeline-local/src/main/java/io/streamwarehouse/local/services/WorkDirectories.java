package io.streamwarehouse.local.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Temporary directories of the embedded services. */
final class WorkDirectories {

    private static final Logger LOG = LoggerFactory.getLogger(WorkDirectories.class);

    private static final String OWNER_FILE = "streamwarehouse-owner.pid";
    private static final Set<Path> CLEANED_ROOTS = ConcurrentHashMap.newKeySet();

    private WorkDirectories() {}

    /** The JVM's temporary directory; the build points it at {@code target/} for test JVMs. */
    static Path tempRoot() {
        return Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    }

    /**
     * Where the files of a server that runs as another user ({@code nobody}, because PostgreSQL
     * refuses root) live: not under the checkout, whose parents may be closed to others (a clone
     * under {@code /root} or any {@code mkdir -m 700} directory), but in a directory of the system
     * temporary directory that belongs to this user and that others may pass through but not list.
     */
    static Path unprivilegedRoot() {
        String system = System.getenv("TMPDIR");
        Path base =
                system != null && !system.isBlank() && traversableByOthers(Paths.get(system))
                        ? Paths.get(system)
                        : Paths.get("/tmp");
        Path root = base.toAbsolutePath().normalize().resolve("streamwarehouse-" + userName());
        try {
            try {
                Files.createDirectory(root);
            } catch (FileAlreadyExistsException e) {
                // checked below: it must be ours
            }
            // /tmp is shared: a directory (or symlink) planted there by another user must not be
            // used for our servers' data.
            if (Files.isSymbolicLink(root)
                    || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)
                    || !Files.getOwner(root, LinkOption.NOFOLLOW_LINKS)
                            .getName()
                            .equals(userName())) {
                throw new IllegalStateException(
                        root
                                + " exists but is not a directory of "
                                + userName()
                                + "; remove it or set TMPDIR to another directory");
            }
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + root, e);
        }
    }

    /** As {@link #create(Path, String)} under {@link #tempRoot()}. */
    static Path create(String prefix) {
        return create(tempRoot(), prefix);
    }

    /**
     * A new directory under {@code root}, marked with the pid of this JVM. The first call of a JVM
     * for a root first removes what JVMs killed earlier (SIGKILL, a crashed test fork) left behind
     * there, servers included, since their shutdown hooks never ran.
     */
    static Path create(Path root, String prefix) {
        try {
            Files.createDirectories(root);
            if (CLEANED_ROOTS.add(root.toAbsolutePath().normalize())) {
                removeLeftovers(root);
            }
            Path directory = Files.createTempDirectory(root, prefix);
            Files.writeString(
                    directory.resolve(OWNER_FILE), String.valueOf(ProcessHandle.current().pid()));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a work directory under " + root, e);
        }
    }

    private static String userName() {
        return System.getProperty("user.name");
    }

    private static void removeLeftovers(Path root) {
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(root)) {
            for (Path directory : directories) {
                Path owner = directory.resolve(OWNER_FILE);
                if (!Files.isRegularFile(owner)) {
                    continue;
                }
                OptionalLong pid = readPid(owner);
                if (pid.isEmpty() || ProcessHandle.of(pid.getAsLong()).isPresent()) {
                    continue;
                }
                LOG.info("Removing {}, left behind by process {}", directory, pid.getAsLong());
                stopOrphanedServer(directory);
                deleteQuietly(directory);
            }
        } catch (IOException e) {
            LOG.warn("Could not look for leftovers in {}: {}", root, e.toString());
        }
    }

    /**
     * PostgreSQL ({@code postmaster.pid}) and MariaDB ({@code <host>.pid}) keep their pid in the
     * data directory. The command line is checked because the pid may have been reused.
     */
    private static void stopOrphanedServer(Path directory) throws IOException {
        List<Path> pidFiles;
        try (Stream<Path> files =
                Files.find(
                        directory,
                        2,
                        (path, attributes) ->
                                attributes.isRegularFile()
                                        && path.getFileName().toString().endsWith(".pid")
                                        && !path.getFileName().toString().equals(OWNER_FILE))) {
            pidFiles = files.collect(Collectors.toList());
        }
        for (Path pidFile : pidFiles) {
            OptionalLong pid = readPid(pidFile);
            if (pid.isEmpty()) {
                continue;
            }
            Optional<ProcessHandle> server =
                    ProcessHandle.of(pid.getAsLong())
                            .filter(
                                    process ->
                                            process.info()
                                                    .command()
                                                    .map(
                                                            command ->
                                                                    command.endsWith("/postgres")
                                                                            || command.endsWith(
                                                                                    "/mariadbd"))
                                                    .orElse(false));
            if (server.isPresent()) {
                LOG.info("Stopping orphaned server {} of {}", pid.getAsLong(), directory);
                server.get().destroy();
                try {
                    server.get().onExit().get(15, TimeUnit.SECONDS);
                } catch (Exception e) {
                    server.get().destroyForcibly();
                }
            }
        }
    }

    private static OptionalLong readPid(Path file) {
        try {
            String firstLine = Files.readAllLines(file).stream().findFirst().orElse("").trim();
            return OptionalLong.of(Long.parseLong(firstLine));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    static void deleteQuietly(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try {
            Files.walkFileTree(
                    directory,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            Files.deleteIfExists(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            // Servers remove their own sockets and pid files while shutting down.
                            return e instanceof NoSuchFileException
                                    ? FileVisitResult.CONTINUE
                                    : FileVisitResult.TERMINATE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path dir, IOException e)
                                throws IOException {
                            Files.deleteIfExists(dir);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", directory, e.toString());
        }
    }

    /** Whether this JVM runs as the superuser, whom MariaDB and PostgreSQL refuse by default. */
    static boolean runningAsRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (RuntimeException | LinkageError e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * Whether an unprivileged user can reach {@code path}: every ancestor must be searchable by
     * others. {@code /root} is not, which matters when a server runs as {@code nobody}.
     */
    static boolean traversableByOthers(Path path) {
        for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
            try {
                if (Files.exists(p)
                        && !Files.getPosixFilePermissions(p)
                                .contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return true;
    }
}
