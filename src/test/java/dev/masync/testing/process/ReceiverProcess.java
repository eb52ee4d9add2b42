package dev.masync.testing.process;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.testing.receiver.PacedReceiver;
import dev.masync.testing.receiver.ReceiverStats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link PacedReceiver} in its own JVM (this JVM's java and classpath), e.g. pinned to the other core with a
 * {@code taskset -c 1} prefix so that it does not compete with the daemon for CPU (performance.md 7). Its output goes
 * to a log file; {@link #start} returns once it printed {@code READY port=N}.
 */
public final class ReceiverProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("READY port=(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path log;
    private final CompletableFuture<String> finalStats;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ReceiverProcess(Process process, int port, Path log, CompletableFuture<String> finalStats) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.finalStats = finalStats;
    }

    /**
     * Starts {@code <prefix…> java <jvmArgs…> -cp <this classpath> dev.masync.testing.receiver.PacedReceiver <flags…>}
     * and waits up to 60 s for it to listen.
     *
     * @param prefix  e.g. {@code List.of("taskset", "-c", "1")}, or empty
     * @param jvmArgs e.g. {@code List.of("-Xmx256m")}, or empty
     * @param flags   {@link dev.masync.testing.receiver.ReceiverConfig#USAGE}
     * @param log     where its output goes (appended)
     */
    public static ReceiverProcess start(List<String> prefix, List<String> jvmArgs, List<String> flags, Path log) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PacedReceiver.class.getName());
        command.addAll(flags);
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        CompletableFuture<String> finalStats = new CompletableFuture<>();
        Process process;
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the receiver: " + command, e);
        }
        Thread pump = new Thread(() -> pump(process, log, ready, finalStats), "receiver-process-output");
        pump.setDaemon(true);
        pump.start();
        try {
            return new ReceiverProcess(process, ready.get(60, TimeUnit.SECONDS), log, finalStats);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the receiver did not print READY; see " + log, e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Starts with no prefix and no JVM arguments. */
    public static ReceiverProcess start(Path log, String... flags) {
        return start(List.of(), List.of(), List.of(flags), log);
    }

    private static void pump(
            Process process, Path log, CompletableFuture<Integer> ready, CompletableFuture<String> finalStats) {
        try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer file = Files.newBufferedWriter(
                        log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line; (line = out.readLine()) != null; ) {
                file.write(line);
                file.write(System.lineSeparator());
                file.flush();
                Matcher m = READY.matcher(line);
                if (m.matches()) ready.complete(Integer.parseInt(m.group(1)));
                if (line.startsWith("FINAL ")) finalStats.complete(line.substring("FINAL ".length()));
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        } finally {
            ready.completeExceptionally(new IllegalStateException("the receiver exited"));
            finalStats.completeExceptionally(new IllegalStateException("the receiver exited without FINAL stats"));
        }
    }

    public int port() {
        return port;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public ReceiverStats stats() {
        return ReceiverStats.fromMap(getJson("/stats", new TypeReference<Map<String, Object>>() {}));
    }

    /** Present keys and their merged fields. */
    public Map<String, Map<String, Object>> state() {
        Map<String, Object> body = getJson("/state", new TypeReference<>() {});
        return JSON.convertValue(body.get("state"), new TypeReference<Map<String, Map<String, Object>>>() {});
    }

    /** Clears its state and stats. */
    public void reset() {
        send(HttpRequest.newBuilder(URI.create(url("/state"))).DELETE(), 204);
    }

    /** SIGTERM; returns the stats it printed on the way out. */
    public ReceiverStats stop() {
        // Not process.destroy(): that also closes our end of its output, and the FINAL line would be lost.
        process.toHandle().destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the receiver did not stop within 30 s; killed it");
            }
            String json = finalStats.get(5, TimeUnit.SECONDS);
            return ReceiverStats.fromMap(JSON.readValue(json, new TypeReference<Map<String, Object>>() {}));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException | IOException e) {
            throw new IllegalStateException(
                    "no final stats from the receiver (exit " + process.exitValue() + "); see " + log, e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> T getJson(String path, TypeReference<T> type) {
        try {
            return JSON.readValue(
                    send(HttpRequest.newBuilder(URI.create(url(path))).GET(), 200), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String send(HttpRequest.Builder request, int expected) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(response.request().uri() + " answered " + response.statusCode());
            }
            return Objects.requireNonNullElse(response.body(), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
