package dev.masync.testing.process;

import dev.masync.connector.http.NoDelaySocketFactory;
import dev.masync.testing.receiver.ReceiverStats;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The receiver as a separate process: flags, READY, the JSON endpoints, and its final stats on SIGTERM. */
class ReceiverProcessTest {
    static final OkHttpClient CLIENT =
            new OkHttpClient.Builder().socketFactory(new NoDelaySocketFactory()).build();

    @Test
    void runsFromTheCommandLineAndReportsOverHttp() throws IOException {
        try (ReceiverProcess receiver = ReceiverProcess.start(
                Path.of("target", "receiver-process", "test.log"),
                "--limit",
                "2/PT1H",
                "--max-batch",
                "2",
                "--reject-keys",
                ".*@invalid")) {
            List<Integer> codes = new ArrayList<>();
            List<String> retryAfter = new ArrayList<>();
            for (String body :
                    List.of(batch("a@x.org", "b@invalid"), batch("a@x.org", "b@x.org", "c@x.org"), batch("c@x.org"))) {
                try (Response response = CLIENT.newCall(new Request.Builder()
                                .url(receiver.url("/hook"))
                                .post(RequestBody.create(body, MediaType.get("application/json")))
                                .build())
                        .execute()) {
                    codes.add(response.code());
                    retryAfter.add(response.header("Retry-After"));
                }
            }

            assertThat(codes).containsExactly(200, 400, 429);
            assertThat(Long.parseLong(retryAfter.get(2))).isBetween(1L, 3600L);
            ReceiverStats stats = receiver.stats();
            assertThat(stats)
                    .extracting(
                            ReceiverStats::requests,
                            ReceiverStats::ok,
                            ReceiverStats::oversizedBatches,
                            ReceiverStats::tooManyRequests,
                            ReceiverStats::recordsRejected)
                    .containsExactly(3L, 1L, 1L, 1L, 1L);
            assertThat(receiver.state()).isEqualTo(Map.of("a@x.org", Map.of("n", 0)));

            ReceiverStats last = receiver.stop();

            assertThat(last).isEqualTo(stats);
        }
    }

    private static String batch(String... keys) {
        StringBuilder json = new StringBuilder("{\"batchId\":\"b\",\"sync\":\"s\",\"records\":[");
        for (int i = 0; i < keys.length; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"recordKey\":\"")
                    .append(keys[i])
                    .append("\",\"kind\":\"UPSERT\",\"fields\":{\"n\":")
                    .append(i)
                    .append("}}");
        }
        return json.append("]}").toString();
    }
}
