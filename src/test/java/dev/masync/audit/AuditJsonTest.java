package dev.masync.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.security.Role;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuditJsonTest {
    final AuditJson json = new AuditJson(new ObjectMapper().findAndRegisterModules());

    record Credentials(String name, @Secret String token, Instant at) {}

    @Test
    void leavesOutSecretPropertiesAndWritesInstantsAsIsoText() {
        String written = json.write(new Credentials("crm", "s3cr3t-value", Instant.parse("2026-11-02T00:00:00Z")));

        assertThat(written)
                .isEqualTo("{\"name\":\"crm\",\"at\":\"2026-11-02T00:00:00Z\"}")
                .doesNotContain("s3cr3t-value");
    }

    @Test
    void leavesOutSecretsNestedInOtherValues() {
        String written = json.write(Map.of("outer", new Credentials("crm", "s3cr3t-value", null)));

        assertThat(written).doesNotContain("s3cr3t-value").contains("\"name\":\"crm\"");
    }

    @Test
    void keepsNullAsNullAndRoundTripsObjects() {
        assertThat(json.write(null)).isNull();
        assertThat(json.read(null)).isNull();
        assertThat(json.read(json.write(Map.of("a", 1))).get("a").asInt()).isEqualTo(1);
    }

    @Test
    void replacesOversizedValuesWithAMarker() {
        String written = json.write(Map.of("v", "x".repeat(AuditJson.MAX_CHARS)));

        assertThat(written).isEqualTo("{\"truncated\":true,\"chars\":" + (AuditJson.MAX_CHARS + 8) + "}");
    }

    @Test
    void actorIsTheKeysNameRoleAndIdOrSystem() {
        var identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal("ci-bot"))
                .addRole("viewer")
                .addAttribute(Actor.ROLE_ATTRIBUTE, Role.EDITOR)
                .addAttribute(Actor.KEY_ID_ATTRIBUTE, 7L)
                .build();

        assertThat(Actor.of(identity)).isEqualTo(new Actor("ci-bot", "editor", 7L));
        assertThat(Actor.of(QuarkusSecurityIdentity.builder().setAnonymous(true).build()))
                .isEqualTo(Actor.SYSTEM);
        assertThat(Actor.of(null)).isEqualTo(Actor.SYSTEM);
    }
}
