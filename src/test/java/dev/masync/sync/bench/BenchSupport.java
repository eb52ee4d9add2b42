package dev.masync.sync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.demo.DemoSpec;
import dev.masync.demo.DemoSummary;
import dev.masync.demo.DemoWarehouse;
import dev.masync.testing.process.DaemonProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the benchmarks with a {@code main} share (the sync engine's {@link SyncBenchmark} and the CRM connector
 * benchmark): the machine's load, a process's CPU time and peak RSS from {@code /proc}, running a command, a fresh
 * directory, the cached demo warehouse, and the daemon's REST API with the admin key.
 */
public final class BenchSupport {
    static final ObjectMapper JSON = new ObjectMapper();

    private BenchSupport() {}

    /**
     * Generates the demo warehouse of {@code learners} learners (seed 42) into {@code file} (through a {@code
     * .partial} file, so an interrupted generation leaves nothing that looks complete).
     */
    public static void generateDemo(Path file, int learners, LocalDate anchor, ZoneId zone) throws Exception {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + partial);
                Statement s = c.createStatement()) {
            DemoSummary g = DemoWarehouse.generate(c, new DemoSpec(42, learners, anchor, zone));
            s.execute("CHECKPOINT");
            System.out.printf(
                    Locale.ROOT,
                    "generated %,d learners, %,d events in %.1f s%n",
                    g.learners(),
                    g.lectureViews() + g.quizAttempts(),
                    g.elapsed().toMillis() / 1000.0);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** utime + stime of a process, from {@code /proc/<pid>/stat} (clock ticks of 1/100 s). */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Peak resident set ({@code VmHWM}) of a process, in bytes. */
    public static long vmHwm(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    public static void exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    public static Path fresh(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    /** The daemon's REST API with the admin key and generous timeouts (a demo advance takes seconds). */
    public static final class Api {
        private final DaemonProcess daemon;
        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        public Api(DaemonProcess daemon) {
            this.daemon = daemon;
        }

        public DaemonProcess daemon() {
            return daemon;
        }

        public JsonNode get(String path) {
            return call("GET", path, null);
        }

        public JsonNode post(String path, String body) {
            return call("POST", path, body);
        }

        public JsonNode put(String path, String body) {
            return call("PUT", path, body);
        }

        public JsonNode call(String method, String path, String body) {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(daemon.baseUrl() + path))
                    .timeout(Duration.ofMinutes(10))
                    .header("Authorization", "Bearer " + daemon.adminKey())
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                r.header("Content-Type", "application/json");
            }
            try {
                HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    throw new IllegalStateException(
                            method + " " + path + " answered " + response.statusCode() + ": " + response.body());
                }
                return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + path, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
