package dev.masync.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.testing.process.DaemonProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged daemon survives a SIGKILL: restarted on the same data dir (and control DB) it becomes ready again and
 * still has its segments, those from files and one created through the API the moment before the kill (the
 * embedded H2 URL sets {@code WRITE_DELAY=0}, so a commit is on disk when it returns).
 */
class DaemonRestartIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROBE = """
            {"key": "it_restart_probe", "name": "Restart probe",
             "rule": {"attribute": "grade", "op": "eq", "value": "hs3"}}""";

    @Test
    void segmentsSurviveSigkillAndRestartOnTheSameDataDir() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.builder("restart")
                .demoLearners(2000)
                .jvmArg("-Xmx512m")
                .start()) {
            System.out.printf(
                    "DaemonRestartIT: first start ready in %d ms (control DB %s)%n",
                    daemon.lastStartToReady().toMillis(), daemon.controlDb());
            assertThat(unauthenticatedStatus(daemon, "/api/v1/segments")).isEqualTo(401);
            assertThat(daemon.call("POST", "/api/v1/segments", PROBE).statusCode())
                    .isEqualTo(201);
            Map<String, Integer> before = segmentVersions(daemon);
            assertThat(before).containsKey("it_restart_probe").hasSize(segmentFiles() + 1);

            int exit = daemon.kill();

            assertThat(exit).as("exit code of SIGKILL").isEqualTo(137);
            assertThat(daemon.isAlive()).isFalse();
            daemon.restart();
            System.out.printf(
                    "DaemonRestartIT: restart after SIGKILL ready in %d ms%n",
                    daemon.lastStartToReady().toMillis());
            assertThat(segmentVersions(daemon)).isEqualTo(before);
            assertThat(daemon.stop()).as("exit code after SIGTERM").isIn(0, 143);
        }
    }

    private static Map<String, Integer> segmentVersions(DaemonProcess daemon) throws IOException {
        HttpResponse<String> response = daemon.call("GET", "/api/v1/segments", null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, Integer> versions = new TreeMap<>();
        for (JsonNode segment : JSON.readTree(response.body()).path("items")) {
            versions.put(segment.path("key").asText(), segment.path("version").asInt());
        }
        return versions;
    }

    private static int segmentFiles() {
        try (Stream<Path> files = Files.list(DaemonProcess.projectDir().resolve("segments"))) {
            return (int) files.filter(f -> f.toString().endsWith(".yaml")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int unauthenticatedStatus(DaemonProcess daemon, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(daemon.uri(path)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
