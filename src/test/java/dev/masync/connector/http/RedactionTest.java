package dev.masync.connector.http;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    @Test
    void credentialHeadersAreMasked() {
        Headers headers = Headers.of(
                "Authorization", "Bearer pat-na1-abc",
                "Proxy-Authorization", "Basic dXNlcjpwYXNz",
                "Cookie", "sid=xyz",
                "X-Api-Key", "k-123",
                "X-Session-Token", "s-1",
                "webhook-signature", "v1,abc=",
                "Content-Type", "application/json");

        String logged = Redaction.headers(headers);

        assertThat(logged)
                .doesNotContain("pat-na1-abc", "dXNlcjpwYXNz", "xyz", "k-123", "s-1", "v1,abc=")
                .contains("Authorization: ***", "X-Api-Key: ***", "Content-Type: application/json");
    }

    @Test
    void emailsAreMaskedToFirstLetterAndDomain() {
        assertThat(Redaction.email("ada@example.com")).isEqualTo("a***@example.com");
        assertThat(Redaction.email("to: john.doe+crm@mail.school.ac.jp, b@x.org"))
                .isEqualTo("to: j***@mail.school.ac.jp, b***@x.org");
        assertThat(Redaction.header("X-Debug", "for ada@example.com")).isEqualTo("for a***@example.com");
        assertThat(Redaction.email("no address here")).isEqualTo("no address here");
    }

    @Test
    void bodiesLoseTokensSecretsAndEmails() {
        String tokenAnswer = "{\"access_token\":\"eyJhbGc.secret\",\"refresh_token\":\"r-9\",\"expires_in\":1800,"
                + "\"token_type\":\"bearer\"}";
        assertThat(Redaction.text(tokenAnswer))
                .doesNotContain("eyJhbGc.secret", "r-9")
                .contains("\"access_token\":\"***\"", "\"expires_in\":1800");

        String form = "grant_type=refresh_token&client_id=app&client_secret=cs-1&refresh_token=r-1&assertion=jwt.x.y";
        assertThat(Redaction.text(form))
                .doesNotContain("cs-1", "r-1", "jwt.x.y")
                .contains("grant_type=refresh_token", "client_id=app", "client_secret=***");

        String error = "{\"status\":\"error\",\"message\":\"Contact ada@example.com already exists\","
                + "\"password\":\"hunter2\"}";
        assertThat(Redaction.text(error))
                .doesNotContain("ada@example.com", "hunter2")
                .contains("a***@example.com");

        assertThat(Redaction.text("sent Authorization: Bearer abc.def-ghi")).doesNotContain("abc.def-ghi");
    }

    @Test
    void urlsLoseUserInfoAndSecretParameters() {
        HttpUrl url = HttpUrl.get(
                "https://user:pw@api.example.com/contacts/v1/contact/email/ada@example.com?hapikey=k1&limit=10");
        String logged = Redaction.url(url);
        assertThat(logged).doesNotContain("pw", "k1", "ada@").contains("limit=10", "hapikey=***");
    }

    @Test
    void failureMessagesQuoteVendorBodiesRedacted() {
        HttpFailures failures = new HttpFailures(java.time.Clock.systemUTC());
        String message = failures.classify(
                        409,
                        null,
                        "{\"message\":\"Contact already exists: ada@example.com\",\"access_token\":\"tok-1\"}")
                .orElseThrow()
                .getMessage();
        assertThat(message).contains("HTTP 409", "a***@example.com").doesNotContain("ada@", "tok-1");
    }

    @Test
    void theLogInterceptorNeverLogsCredentialsOrEmails() throws Exception {
        List<String> lines = new ArrayList<>();
        try (MockWebServer server = new MockWebServer()) {
            server.start();
            server.enqueue(new MockResponse.Builder()
                    .code(200)
                    .setHeader("Set-Cookie", "sid=abc")
                    .setHeader("X-Owner", "owner@example.com")
                    .build());
            OkHttpClient client = new OkHttpClient.Builder()
                    .addInterceptor(new RedactingLogInterceptor(lines::add, true))
                    .build();
            try (Response r = client.newCall(new Request.Builder()
                            .url(server.url("/search?email=ada@example.com&access_token=tok"))
                            .header("Authorization", "Bearer tok-123")
                            .build())
                    .execute()) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .contains("GET ", "-> 200", "Authorization: ***", "o***@example.com")
                .doesNotContain("tok-123", "ada@example.com", "access_token=tok", "sid=abc", "owner@");
    }
}
