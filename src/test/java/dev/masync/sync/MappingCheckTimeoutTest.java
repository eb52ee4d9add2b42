package dev.masync.sync;

import dev.masync.destination.SchemaConnector;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A destination that does not describe its fields in time cannot hold a sync save. */
@QuarkusTest
@TestProfile(MappingCheckTimeoutTest.Profile.class)
class MappingCheckTimeoutTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("masync.connectors.schema.read-timeout", "200ms");
        }
    }

    @BeforeEach
    void segment() {
        new MappingCheckTest().segment();
    }

    @AfterEach
    void reset() {
        SchemaConnector.reset();
    }

    @Test
    void aHangingDestinationLeavesTheMappingUncheckedAndIsReadOnce() throws Exception {
        MappingCheckTest.destination("crm_hanging");
        CountDownLatch hold = new CountDownLatch(1);
        SchemaConnector.hold = hold;
        CountDownLatch entered = SchemaConnector.entered;

        JsonPath first = MappingCheckTest.post("/api/v1/syncs", MappingCheckTest.misfitting("hanging_a", "crm_hanging"))
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        assertThat(first.getString("warnings[0].code")).isEqualTo("mapping_not_checked");
        assertThat(first.getString("warnings[0].message"))
                .contains("destination 'crm_hanging' did not describe its fields within 200 ms");
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

        // the read still hangs: a second save does not start another read, and is not held either
        long started = System.nanoTime();
        MappingCheckTest.post("/api/v1/syncs", MappingCheckTest.misfitting("hanging_b", "crm_hanging"))
                .then()
                .statusCode(201);
        assertThat(SchemaConnector.READS).hasValue(1);
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));

        // once the destination answers, its fields are kept and the next save is checked against them
        hold.countDown();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int status;
        do {
            status = MappingCheckTest.post("/api/v1/syncs", MappingCheckTest.misfitting("hanging_c", "crm_hanging"))
                    .statusCode();
        } while (status == 201 && System.nanoTime() < until && deleteIfSaved("hanging_c"));
        assertThat(status).isEqualTo(422);
    }

    /** A save that went through while the read was still finishing: undo it and try again. */
    private static boolean deleteIfSaved(String key) {
        io.restassured.RestAssured.given()
                .header("Authorization", MappingCheckTest.ADMIN)
                .header("If-Match", "\"1\"")
                .delete("/api/v1/syncs/" + key)
                .then()
                .statusCode(204);
        return true;
    }
}
