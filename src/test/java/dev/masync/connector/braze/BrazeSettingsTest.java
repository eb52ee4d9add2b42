package dev.masync.connector.braze;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.SecretRef;
import dev.masync.connector.spi.SettingProblem;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Braze settings: defaults pinned, every setting read, bad ones refused with every problem named, no secret echoed. */
class BrazeSettingsTest {
    static final AddressPolicy PUBLIC = AddressPolicy.publicOnly();
    static final Map<String, String> MINIMAL =
            Map.of("restEndpoint", "https://rest.iad-01.braze.com", "apiKey", "env:BRAZE_KEY");

    @Test
    void defaultsArePinned() {
        BrazeSettings s = BrazeSettings.of("b", MINIMAL, PUBLIC);
        assertThat(s.restEndpoint()).hasToString("https://rest.iad-01.braze.com/");
        assertThat(s.apiKey()).isEqualTo(SecretRef.parse("env:BRAZE_KEY"));
        assertThat(s.objectsPerRequest()).isEqualTo(75);
        assertThat(s.maxConcurrent()).isEqualTo(16);
        assertThat(s.dailyQuota()).isEmpty();
        assertThat(s.workspace()).isEmpty();
        assertThat(s.arrayMaxLength()).isEqualTo(25);
        assertThat(s.url("users/track")).hasToString("https://rest.iad-01.braze.com/users/track");
    }

    @Test
    void everySettingIsRead() {
        BrazeSettings s = BrazeSettings.of(
                "b",
                Map.of(
                        "restEndpoint", " https://rest.fra-02.braze.eu/ ",
                        "apiKey", "file:/run/secrets/braze",
                        "objectsPerRequest", "50",
                        "maxConcurrent", "4",
                        "dailyQuota", "100000",
                        "workspace", " learners-eu ",
                        "arrayMaxLength", "100"),
                PUBLIC);
        assertThat(s.restEndpoint().host()).isEqualTo("rest.fra-02.braze.eu");
        assertThat(s.apiKey()).isEqualTo(SecretRef.parse("file:/run/secrets/braze"));
        assertThat(s.objectsPerRequest()).isEqualTo(50);
        assertThat(s.maxConcurrent()).isEqualTo(4);
        assertThat(s.dailyQuota()).isEqualTo(OptionalLong.of(100_000));
        assertThat(s.workspace()).isEqualTo(Optional.of("learners-eu"));
        assertThat(s.arrayMaxLength()).isEqualTo(100);
        assertThat(BrazeSettings.NAMES)
                .containsExactlyInAnyOrder(
                        "restEndpoint",
                        "apiKey",
                        "objectsPerRequest",
                        "maxConcurrent",
                        "dailyQuota",
                        "workspace",
                        "arrayMaxLength");
    }

    @Test
    void everyBadSettingIsNamedWithoutEchoingAPastedKey() {
        var problems = BrazeSettings.problems(
                Map.of(
                        "restEndpoint", "https://rest.iad-01.braze.com/users/track",
                        "apiKey", "9f3c1a7e-pasted-key",
                        "objectsPerRequest", "0",
                        "maxConcurrent", "1001",
                        "dailyQuota", "-5",
                        "workspace", " ",
                        "arrayMaxLength", "101"),
                PUBLIC);
        assertThat(problems)
                .extracting(SettingProblem::setting)
                .containsExactlyInAnyOrder(
                        "restEndpoint",
                        "apiKey",
                        "objectsPerRequest",
                        "maxConcurrent",
                        "dailyQuota",
                        "workspace",
                        "arrayMaxLength");
        assertThat(problems).map(SettingProblem::message).noneMatch(m -> m.contains("pasted"));
        assertThat(problems.get(0).message()).contains("without a path");
    }

    @Test
    void theEndpointMustBeTheInstancesRestHostNotTheDashboardNorAQuery() {
        for (String bad : new String[] {
            "https://dashboard-01.braze.com", "https://rest.iad-01.braze.com/?api_key=x", "not a url", " "
        }) {
            assertThat(BrazeSettings.problems(Map.of("restEndpoint", bad, "apiKey", "env:K"), PUBLIC))
                    .as(bad)
                    .extracting(SettingProblem::setting)
                    .containsExactly("restEndpoint");
        }
        assertThat(BrazeSettings.problems(Map.of("apiKey", "env:K"), PUBLIC))
                .extracting(SettingProblem::setting)
                .containsExactly("restEndpoint");
        assertThat(BrazeSettings.problems(Map.of("restEndpoint", "http://127.0.0.1:9", "apiKey", "env:K"), PUBLIC))
                .extracting(SettingProblem::setting)
                .containsExactly("restEndpoint");
    }

    @Test
    void badSettingsReadAnywayAreAConfigurationErrorNamingEachProblem() {
        assertThatThrownBy(() -> BrazeSettings.of(
                        "braze_ws", Map.of("apiKey", "pasted-secret", "arrayMaxLength", "many"), PUBLIC))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG);
                    assertThat(e.getMessage())
                            .contains("braze_ws", "restEndpoint:", "apiKey:", "arrayMaxLength:")
                            .doesNotContain("pasted-secret");
                });
    }

    @Test
    void theArraysLengthBoundsTheListMembershipsOfOneField() {
        BrazeConnector c = new BrazeConnector(
                new okhttp3.OkHttpClient(), java.time.Clock.systemUTC(), BrazeConnector.Options.forTests());
        assertThat(c.itemsPerRecord(MINIMAL, "segments")).hasValue(25);
        Map<String, String> raised = new java.util.HashMap<>(MINIMAL);
        raised.put("arrayMaxLength", "60");
        assertThat(c.itemsPerRecord(raised, "segments")).hasValue(60);
    }
}
