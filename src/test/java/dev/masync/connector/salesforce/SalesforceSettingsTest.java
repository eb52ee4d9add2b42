package dev.masync.connector.salesforce;

import dev.masync.connector.spi.PermanentException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SalesforceSettingsTest {

    @Test
    void defaultsArePinned() {
        SalesforceSettings s = SalesforceSettings.of(
                Map.of("instanceUrl", "https://Acme.my.salesforce.com", "clientId", "key", "clientSecret", "env:S"));

        assertThat(s.instanceUrl().toString()).isEqualTo("https://acme.my.salesforce.com/");
        assertThat(s.loginUrl().toString()).isEqualTo("https://login.salesforce.com/");
        assertThat(s.flow()).isEqualTo(SalesforceSettings.Flow.CLIENT_CREDENTIALS);
        assertThat(s.object()).isEqualTo("Contact");
        assertThat(s.apiVersion()).isEqualTo("62.0");
        assertThat(s.bulkThreshold()).isEqualTo(10_000);
        assertThat(s.callsPerDay()).isEmpty();
        assertThat(s.maxConcurrent()).isEmpty();
        assertThat(s.account()).isEqualTo("salesforce:https://acme.my.salesforce.com");
        assertThat(s.dataUrl().toString()).isEqualTo("https://acme.my.salesforce.com/services/data/v62.0/");
        assertThat(s.tokenUrl().toString()).isEqualTo("https://login.salesforce.com/services/oauth2/token");
        assertThat(s.audience()).isEqualTo("https://login.salesforce.com");
    }

    @Test
    void everySettingIsRead() {
        SalesforceSettings s = SalesforceSettings.of(Map.of(
                "instanceUrl", "http://127.0.0.1:8443/",
                "loginUrl", "https://test.salesforce.com",
                "clientId", "key",
                "username", "etl@acme.example",
                "privateKey", "file:/run/secrets/sf.pem",
                "object", "Lead",
                "apiVersion", "v58.0",
                "bulkThreshold", "5000",
                "callsPerDay", "15000",
                "maxConcurrent", "5"));

        assertThat(s.account()).isEqualTo("salesforce:http://127.0.0.1:8443");
        assertThat(s.audience()).isEqualTo("https://test.salesforce.com");
        assertThat(s.flow()).isEqualTo(SalesforceSettings.Flow.JWT_BEARER);
        assertThat(s.object()).isEqualTo("Lead");
        assertThat(s.apiVersion()).isEqualTo("58.0");
        assertThat(s.bulkThreshold()).isEqualTo(5000);
        assertThat(s.callsPerDay()).isEqualTo(OptionalLong.of(15_000));
        assertThat(s.maxConcurrent()).isEqualTo(OptionalInt.of(5));
        assertThat(SalesforceSettings.NAMES)
                .containsExactlyInAnyOrder(
                        "instanceUrl",
                        "loginUrl",
                        "clientId",
                        "clientSecret",
                        "username",
                        "privateKey",
                        "object",
                        "apiVersion",
                        "bulkThreshold",
                        "callsPerDay",
                        "maxConcurrent");
        assertThat(SalesforceSettings.SECRETS).containsExactlyInAnyOrder("clientSecret", "privateKey");
    }

    @Test
    void unreadableSettingsAreAConfigurationError() {
        assertThatThrownBy(() -> SalesforceSettings.of(Map.of("clientId", "key", "clientSecret", "env:S")))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG))
                .hasMessageContaining("instanceUrl");
    }
}
