package dev.masync.testing.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.testing.vendor.VendorFakeMain;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A vendor fake ({@link VendorFakeMain}) in its own JVM, e.g. pinned to a CPU with a {@code taskset -c 1} prefix, as
 * {@link ReceiverProcess} runs the paced receiver. {@link #start} returns once it printed {@code READY port=N}; its
 * counters are read over HTTP ({@code /__fake/stats}).
 */
public final class VendorFakeProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("READY port=(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private VendorFakeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code <prefix…> java <jvmArgs…> -cp <this classpath> VendorFakeMain <flags…>} and waits up to 60 s for
     * it to listen.
     */
    public static VendorFakeProcess start(List<String> prefix, List<String> jvmArgs, List<String> flags, Path log) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(VendorFakeMain.class.getName());
        command.addAll(flags);
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Process process;
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the vendor fake: " + command, e);
        }
        Thread pump = new Thread(() -> pump(process, log, ready), "vendor-fake-output");
        pump.setDaemon(true);
        pump.start();
        try {
            return new VendorFakeProcess(process, ready.get(60, TimeUnit.SECONDS), log);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the vendor fake did not print READY; see " + log, e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void pump(Process process, Path log, CompletableFuture<Integer> ready) {
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
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        } finally {
            ready.completeExceptionally(new IllegalStateException("the vendor fake exited"));
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** {@code GET /__fake/stats?window=ms}: counters, the most requests admitted in a window, what the fake holds. */
    public JsonNode stats(long windowMs) {
        try {
            return JSON.readTree(send(HttpRequest.newBuilder(URI.create(url() + "/__fake/stats?window=" + windowMs))
                    .GET()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Zeroes the counters (not what the fake holds). */
    public void reset() {
        send(HttpRequest.newBuilder(URI.create(url() + "/__fake/reset")).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Replaces the fault plan: {@code {"serverErrorRate", "serverErrorStatus", "burst", "burstAt"}}. */
    public void faults(String json) {
        send(HttpRequest.newBuilder(URI.create(url() + "/__fake/faults"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
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

    private String send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        response.request().uri() + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body() == null ? "" : response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
