package io.streamwarehouse.local.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scripts in {@code deploy/} as a user would: bash, with FLINK_REST in the environment.
 */
final class DeployScripts {

    /** What a script run left behind. */
    record Result(int exitCode, String stdout, String stderr) {
        /** The last line of stdout: the scripts print their result (a job id, a path) there. */
        String value() {
            String[] lines = stdout.strip().split("\n");
            return lines[lines.length - 1].strip();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private final Path projectRoot;
    private final String restUrl;
    private final Map<String, String> environment;

    DeployScripts(Path projectRoot, String restUrl) {
        this(projectRoot, restUrl, Map.of());
    }

    /**
     * @param environment more variables for the scripts, such as {@code FLINK_REST_CURL_CONFIG}
     */
    DeployScripts(Path projectRoot, String restUrl, Map<String, String> environment) {
        this.projectRoot = projectRoot;
        this.restUrl = restUrl;
        this.environment = environment;
    }

    /** The repository root: the parent of this module's directory. */
    static Path projectRoot() {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        Path root = Path.of(basedir).toAbsolutePath().getParent();
        if (!Files.isRegularFile(root.resolve("deploy/lib.sh"))) {
            throw new IllegalStateException("no deploy/lib.sh under " + root);
        }
        return root;
    }

    /** The shaded job jar that {@code package} of pipeline-jobs built. */
    static Path jobJar(Path projectRoot) throws IOException {
        try (var jars = Files.list(projectRoot.resolve("pipeline-jobs/target"))) {
            return jars.filter(p -> p.getFileName().toString().endsWith("-job.jar"))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "no pipeline-jobs/target/*-job.jar: run ./mvnw package"));
        }
    }

    Result run(String script, String... args) throws IOException, InterruptedException {
        return run(script, List.of(args));
    }

    Result run(String script, List<String> args) throws IOException, InterruptedException {
        return run(java.util.Map.of(), script, args);
    }

    /** As {@link #run(String, List)}, with more environment variables for the script. */
    Result run(java.util.Map<String, String> env, String script, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(projectRoot.resolve("deploy").resolve(script).toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(projectRoot.toFile());
        builder.environment().put("FLINK_REST", restUrl);
        builder.environment().putAll(environment);
        builder.environment().putAll(env);
        Path out = Files.createTempFile("deploy-", ".out");
        Path err = Files.createTempFile("deploy-", ".err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        long started = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(script + " did not finish within 10 minutes");
        }
        Result result =
                new Result(
                        process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        // the scripts' own messages are the best trace of what a cluster test did
        System.out.printf(
                "$ %s %s  (%.1f s, exit %d)%n%s%s",
                script,
                String.join(" ", args),
                (System.nanoTime() - started) / 1e9,
                result.exitCode(),
                result.stderr(),
                result.stdout());
        return result;
    }
}
