package dev.masync.connector.marketo;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.spi.PermanentException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MarketoSettingsTest {
    static final Map<String, String> MINIMAL = Map.of(
            "baseUrl", "https://123-ABC-456.mktorest.com/", "clientId", "env:MKTO_ID", "clientSecret", "file:/s");

    @Test
    void defaultsFollowTheDocumentedLimits() {
        MarketoSettings s = MarketoSettings.of(MINIMAL);
        assertThat(s.base()).isEqualTo("https://123-abc-456.mktorest.com");
        assertThat(s.account()).isEqualTo("marketo:https://123-abc-456.mktorest.com");
        assertThat(s.lookupField()).isEqualTo("email");
        assertThat(s.callsPerDay()).isEqualTo(50_000);
        assertThat(s.maxConcurrent()).isEqualTo(10);
        assertThat(s.url("/rest/v1/leads.json").toString())
                .isEqualTo("https://123-abc-456.mktorest.com/rest/v1/leads.json");
    }

    @Test
    void everySettingIsRead() {
        MarketoSettings s = MarketoSettings.of(Map.of(
                "baseUrl", "https://123-ABC-456.mktorest.com",
                "clientId", "env:MKTO_ID",
                "clientSecret", "env:MKTO_SECRET",
                "lookupField", "learnerKey",
                "callsPerDay", "10000",
                "maxConcurrent", "4"));
        assertThat(s.lookupField()).isEqualTo("learnerKey");
        assertThat(s.callsPerDay()).isEqualTo(10_000);
        assertThat(s.maxConcurrent()).isEqualTo(4);
    }

    @Test
    void aBadSettingReadAnywayIsAConfigurationError() {
        assertThatThrownBy(() -> MarketoSettings.of(Map.of("baseUrl", "https://x.mktorest.com")))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG))
                .hasMessageStartingWith("clientId");
        assertThat(MarketoSettings.problems(
                        Map.of(
                                "baseUrl",
                                "not a url",
                                "clientId",
                                "env:A",
                                "clientSecret",
                                "env:B",
                                "callsPerDay",
                                "0"),
                        null))
                .extracting(p -> p.setting())
                .containsExactlyInAnyOrder("baseUrl", "callsPerDay");
    }

    @Test
    void everyBadSettingIsNamedWithoutEchoingAPastedSecret() {
        var problems = MarketoSettings.problems(
                Map.of(
                        "baseUrl", "https://123-ABC-456.mktorest.com/rest/v1",
                        "clientId", "0f1e2d3c-pasted-id",
                        "clientSecret", "pasted-secret-value",
                        "lookupField", "e mail",
                        "callsPerDay", "lots",
                        "maxConcurrent", "11"),
                AddressPolicy.publicOnly());
        assertThat(problems)
                .extracting(p -> p.setting())
                .containsExactlyInAnyOrder(
                        "baseUrl", "clientId", "clientSecret", "lookupField", "callsPerDay", "maxConcurrent");
        assertThat(problems).map(p -> p.message()).noneMatch(m -> m.contains("pasted"));
        for (String bad : new String[] {"https://x.mktorest.com/?access_token=t", "http://127.0.0.1:8080", " "}) {
            assertThat(MarketoSettings.problems(
                            Map.of("baseUrl", bad, "clientId", "env:A", "clientSecret", "env:B"),
                            AddressPolicy.publicOnly()))
                    .as(bad)
                    .extracting(p -> p.setting())
                    .containsExactly("baseUrl");
        }
        assertThatThrownBy(
                        () -> MarketoSettings.of(Map.of("clientSecret", "pasted-secret-value", "maxConcurrent", "0")))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.getMessage())
                                .contains("baseUrl:", "clientId:", "clientSecret:", "maxConcurrent:")
                                .doesNotContain("pasted-secret-value"));
    }
}
