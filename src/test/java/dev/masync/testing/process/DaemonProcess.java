package dev.masync.testing.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged daemon ({@code java -jar target/quarkus-app/quarkus-run.jar}) as a child process, for integration
 * tests that kill and restart it.
 *
 * <p>Each daemon gets a free HTTP port (kept across restarts), its own data dir {@code target/it-data/<name>/data}
 * and log {@code target/it-data/<name>/daemon.log} (both emptied before the first start unless
 * {@link Builder#fresh(boolean) fresh(false)}; the log gets a banner line per start), and an admin key passed in the
 * environment, so it is neither on the command line nor in the log. Configuration goes in as {@code -D} system
 * properties, which override the inherited environment. The working directory is the project dir, as in the
 * README, so {@code segments/} is found.
 *
 * <p>The control DB: on embedded defaults it is the H2 file {@code <data dir>/control.mv.db}, so a restart on the
 * same data dir sees the same state. When the build targets PostgreSQL ({@code QUARKUS_DATASOURCE_DB_KIND=postgresql}
 * in the environment or {@code -Dquarkus.datasource.db-kind=postgresql}, as in the second pass of {@code .ci/run}),
 * the daemon uses the configured PostgreSQL URL with its own schema {@code masync_it_<name>}, which Flyway cleans on
 * a fresh first start only; restarts see the same schema. Either way a restart sees what the previous process
 * committed (the embedded H2 URL sets {@code WRITE_DELAY=0}; H2's default would store a commit up to 500 ms after it
 * returns, and a SIGKILL would lose it).
 *
 * <p>{@link #start()} returns once {@code GET /q/health/ready} answers {@code UP}, polling until a deadline and
 * failing early, with the log's tail, if the process exits. Not thread-safe: one test drives one daemon.
 */
public final class DaemonProcess implements AutoCloseable {
    /** Set by failsafe; otherwise found by walking up from the working directory to the pom. */
    public static final String PROJECT_DIR_PROPERTY = "masync.project.dir";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(200);

    private final String name;
    private final Path projectDir;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final String adminKey;
    private final List<String> command;
    private final Map<String, String> env;
    private final Duration readyTimeout;
    private final String controlDb;
    private final boolean fresh;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;
    private Duration lastStartToReady = Duration.ZERO;

    private DaemonProcess(Builder b) {
        this.name = b.name;
        this.projectDir = b.projectDir != null ? b.projectDir.toAbsolutePath().normalize() : projectDir();
        Path itDir = projectDir.resolve("target").resolve("it-data").resolve(name);
        this.dataDir = b.dataDir != null ? b.dataDir.toAbsolutePath().normalize() : itDir.resolve("data");
        this.logFile = itDir.resolve("daemon.log");
        this.port = b.port != 0 ? b.port : freePort();
        this.adminKey = b.adminKey;
        this.readyTimeout = b.readyTimeout;
        this.env = Map.copyOf(b.env);
        this.fresh = b.fresh;

        Path jar = projectDir.resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run 'mvn package' first (mvn verify does)");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.http.port", Integer.toString(port));
        properties.put("masync.data-dir", dataDir.toString());
        String pgUrl = postgresUrl();
        if (pgUrl == null) {
            this.controlDb = "h2:" + dataDir.resolve("control.mv.db");
        } else {
            String schema = "masync_it_" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            properties.put(
                    "quarkus.datasource.jdbc.url",
                    pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema);
            properties.put("quarkus.flyway.schemas", schema);
            properties.put("quarkus.flyway.default-schema", schema);
            this.controlDb = "postgresql:" + schema;
        }
        properties.putAll(b.properties);

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(b.jvmArgs);
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        this.command = List.copyOf(cmd);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Starts the daemon and waits until it is ready. */
    public DaemonProcess start() {
        if (process != null && process.isAlive()) throw new IllegalStateException(name + " is already running");
        List<String> cmd = new ArrayList<>(command);
        if (starts == 0 && fresh && controlDb.startsWith("postgresql:")) {
            cmd.add(cmd.size() - 2, "-Dquarkus.flyway.clean-at-start=true");
            cmd.add(cmd.size() - 2, "-Dquarkus.flyway.clean-disabled=false");
        }
        starts++;
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(
                    logFile,
                    "=== " + name + " start #" + starts + " at " + Instant.now() + ": " + String.join(" ", cmd)
                            + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(projectDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().putAll(env);
            pb.environment().put("MASYNC_SECURITY_ADMIN_API_KEY", adminKey);
            long t0 = System.nanoTime();
            process = pb.start();
            awaitReady();
            lastStartToReady = Duration.ofNanos(System.nanoTime() - t0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        return this;
    }

    /** Starts again with the same command, environment, port and data dir (stopping it first if it runs). */
    public DaemonProcess restart() {
        if (isAlive()) stop();
        return start();
    }

    /**
     * SIGKILL ({@link Process#destroyForcibly()} sends it on Linux): no shutdown hooks, no flush. Returns once the
     * process is gone, with its exit code (137 = 128 + SIGKILL).
     */
    public int kill() {
        requireStarted();
        process.destroyForcibly();
        int exit = waitGone(Duration.ofSeconds(30));
        if (ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") is still alive after SIGKILL");
        }
        return exit;
    }

    /** SIGTERM ({@link Process#destroy()}): a graceful shutdown; waits up to a minute, then SIGKILLs and fails. */
    public int stop() {
        requireStarted();
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                waitGone(Duration.ofSeconds(30));
                throw new IllegalStateException(name + " did not stop within 60 s of SIGTERM; killed. Log: " + logFile);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name, e);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (isAlive()) stop();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        requireStarted();
        return process.pid();
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    public String adminKey() {
        return adminKey;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** {@code h2:<file>} or {@code postgresql:<schema>}. */
    public String controlDb() {
        return controlDb;
    }

    /** From process start to ready, for the last start. */
    public Duration lastStartToReady() {
        return lastStartToReady;
    }

    /** A request with {@code Authorization: Bearer <admin key>}; {@code jsonBody} may be {@code null}. */
    public HttpResponse<String> call(String method, String path, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminKey)
                .method(
                        method,
                        jsonBody == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) request.header("Content-Type", "application/json");
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The last lines of the log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(readyTimeout);
        String last = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was ready. "
                        + "Log " + logFile + " ends with:" + System.lineSeparator() + logTail(40));
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(uri("/q/health/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && "UP".equals(status(response.body()))) return;
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            pause();
        }
        process.destroyForcibly();
        throw new IllegalStateException(name + " not ready within " + readyTimeout + " (last answer: " + last
                + "); killed it. Log " + logFile + " ends with:" + System.lineSeparator() + logTail(40));
    }

    private static String status(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.path("status").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    /** Waiting on another process: the only real sleep tests may do. */
    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private int waitGone(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") did not exit within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return process.exitValue();
    }

    private void requireStarted() {
        if (process == null) throw new IllegalStateException(name + " was never started");
    }

    /** The PostgreSQL URL when the build (and so the packaged jar) targets PostgreSQL, else {@code null}. */
    private static String postgresUrl() {
        String kind = setting("quarkus.datasource.db-kind", "QUARKUS_DATASOURCE_DB_KIND");
        if (kind == null || !kind.equalsIgnoreCase("postgresql")) return null;
        String url = setting("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL");
        if (url == null) {
            throw new IllegalStateException("the control DB is PostgreSQL but QUARKUS_DATASOURCE_JDBC_URL is not set");
        }
        return url;
    }

    private static String setting(String property, String envName) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(envName);
    }

    /** The project dir: {@value #PROJECT_DIR_PROPERTY}, else the nearest directory upwards holding a pom.xml. */
    public static Path projectDir() {
        String configured = System.getProperty(PROJECT_DIR_PROPERTY);
        if (configured != null) return Path.of(configured).toAbsolutePath().normalize();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml"))) return dir;
        }
        throw new IllegalStateException(
                "no pom.xml above " + Path.of("").toAbsolutePath() + "; set -D" + PROJECT_DIR_PROPERTY);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final class Builder {
        private final String name;
        private Path projectDir;
        private Path dataDir;
        private int port;
        private String adminKey = "it-admin-key";
        private boolean fresh = true;
        private Duration readyTimeout = Duration.ofMinutes(3);
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();

        private Builder(String name) {
            if (!name.matches("[A-Za-z0-9_-]+")) throw new IllegalArgumentException("name: letters, digits, - and _");
            this.name = name;
        }

        public Builder projectDir(Path projectDir) {
            this.projectDir = projectDir;
            return this;
        }

        /** Default {@code target/it-data/<name>/data}. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Default: a free port, kept across restarts. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Accepted as an admin key (via {@code MASYNC_SECURITY_ADMIN_API_KEY}); default {@code it-admin-key}. */
        public Builder adminKey(String adminKey) {
            this.adminKey = Objects.requireNonNull(adminKey, "adminKey");
            return this;
        }

        /** Empty the data dir and the log (and the PostgreSQL schema) before the first start; default true. */
        public Builder fresh(boolean fresh) {
            this.fresh = fresh;
            return this;
        }

        /** Default 3 minutes: a first start generates the demo warehouse, and builds share the 2 cores. */
        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
            return this;
        }

        /** A {@code -D} system property; overrides the environment and the defaults set here. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /** {@code masync.demo.learners}. */
        public Builder demoLearners(int learners) {
            return property("masync.demo.learners", Integer.toString(learners));
        }

        /** An environment variable of the child (it inherits this JVM's environment otherwise). */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        /** Builds the process without starting it. */
        public DaemonProcess build() {
            DaemonProcess daemon = new DaemonProcess(this);
            if (fresh) {
                deleteTree(daemon.dataDir);
                try {
                    Files.deleteIfExists(daemon.logFile);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return daemon;
        }

        /** Builds and starts it; returns once it is ready. */
        public DaemonProcess start() {
            return build().start();
        }
    }
}
