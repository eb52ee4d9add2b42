package dev.masync.connector.hubspot;

import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.SecretRef;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HubSpot settings: defaults pinned, every setting read, bad ones refused with all problems named. */
class HubSpotSettingsTest {
    static final AddressPolicy PUBLIC = AddressPolicy.publicOnly();

    @Test
    void defaultsArePinned() {
        HubSpotSettings s = HubSpotSettings.of("crm", Map.of("portalId", "4711", "token", "env:T"), PUBLIC);
        assertThat(s.portalId()).isEqualTo("4711");
        assertThat(s.auth()).isEqualTo(new HubSpotSettings.PrivateAppToken(SecretRef.parse("env:T")));
        assertThat(s.baseUrl()).hasToString("https://api.hubapi.com/");
        assertThat(s.tokenUrl()).hasToString("https://api.hubapi.com/oauth/v1/token");
        assertThat(s.apiVersion()).isEqualTo("v3");
        assertThat(s.callsPerDay()).isEqualTo(650_000);
        assertThat(s.maxConcurrent()).isEqualTo(10);
        assertThat(s.timeZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(s.listIdsPerCall()).isEqualTo(100);
        assertThat(s.account()).isEqualTo("hubspot:portal:4711");
    }

    @Test
    void everySettingIsRead() {
        HubSpotSettings s = HubSpotSettings.of(
                "crm",
                Map.of(
                        "portalId", " 99 ",
                        "clientId", "env:C",
                        "clientSecret", "file:/run/secrets/s",
                        "refreshToken", "env:R",
                        "baseUrl", "https://eu1.api.example.com",
                        "tokenUrl", "https://auth.example.com/oauth/2026-03/token",
                        "apiVersion", "2026-03",
                        "callsPerDay", "1000000",
                        "maxConcurrent", "4",
                        "timeZone", "Asia/Tokyo"),
                PUBLIC);
        assertThat(s.portalId()).isEqualTo("99");
        assertThat(s.auth())
                .isEqualTo(new HubSpotSettings.OAuthRefresh(
                        SecretRef.parse("env:C"), SecretRef.parse("file:/run/secrets/s"), SecretRef.parse("env:R")));
        assertThat(s.baseUrl().host()).isEqualTo("eu1.api.example.com");
        assertThat(s.tokenUrl()).hasToString("https://auth.example.com/oauth/2026-03/token");
        assertThat(s.apiVersion()).isEqualTo("2026-03");
        assertThat(s.callsPerDay()).isEqualTo(1_000_000);
        assertThat(s.maxConcurrent()).isEqualTo(4);
        assertThat(s.timeZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
    }

    @Test
    void invalidSettingsAreAConfigurationErrorNamingEachProblemButNoSecret() {
        assertThatThrownBy(() -> HubSpotSettings.of(
                        "crm",
                        Map.of("token", "pat-na1-pasted", "baseUrl", "http://127.0.0.1:1", "tokenUrl", "x"),
                        PUBLIC))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG);
                    assertThat(e.getMessage())
                            .contains("portalId:", "token:", "baseUrl:", "tokenUrl:")
                            .doesNotContain("pat-na1-pasted");
                });
    }
}
