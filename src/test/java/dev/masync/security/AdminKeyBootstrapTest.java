package dev.masync.security;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Without a configured admin key, the first start generates one, stores only its hash and never does it again. */
@QuarkusTest
@TestProfile(AdminKeyBootstrapTest.Profile.class)
class AdminKeyBootstrapTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("masync.security.admin-api-key", "");
        }
    }

    @Inject
    ApiKeys keys;

    @Test
    void generatesOnceStoresOnlyTheHashAndTheKeyWorks() {
        // Start-up already generated one; start over to see the key this test can use.
        QuarkusTransaction.requiringNew().run(() -> ApiKey.deleteAll());
        Optional<String> key = keys.bootstrapAdminKey();
        assertThat(key).isPresent();
        assertThat(keys.bootstrapAdminKey()).as("only on first start").isEmpty();

        ApiKey stored = QuarkusTransaction.requiringNew()
                .call(() -> ApiKey.<ApiKey>findAll().firstResult());
        assertThat(stored.role).isEqualTo(Role.ADMIN);
        assertThat(stored.keyHash).isNotEqualTo(key.get()).hasSize(64).doesNotContain(key.get());
        assertThat(key.get()).startsWith(stored.keyPrefix);

        given().header("Authorization", "Bearer " + key.get())
                .get("/api/v1/catalog")
                .then()
                .statusCode(200);
        given().header("Authorization", "Bearer test-admin-key")
                .get("/api/v1/catalog")
                .then()
                .statusCode(401);
    }
}
