package dev.masync.destination;

import dev.masync.platform.problem.ApiException;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Destinations as code: loaded, updated, skipped when broken, removed when their file goes, kept while used. */
@QuarkusTest
class DestinationFilesTest {
    static final String ADMIN = "Bearer test-admin-key";
    static final DestinationUsers NOBODY = key -> List.of();

    @Inject
    DestinationFiles files;

    @Inject
    DestinationService destinations;

    @TempDir
    Path dir;

    /** Removes what a test loaded, so counts in the next test are its own. */
    @AfterEach
    void unload() throws Exception {
        try (var listing = Files.list(dir)) {
            for (Path file : listing.toList()) {
                Files.delete(file);
            }
        }
        files.load(dir, NOBODY);
    }

    @Test
    void filesAreLoadedUpdatedAndRemoved() throws Exception {
        Path a = Files.writeString(dir.resolve("files_a.yaml"), """
                name: Files A
                type: file
                settings: {dir: /tmp/files-a, format: csv}
                """);
        assertThat(files.load(dir, NOBODY)).isEqualTo(1);
        DestinationDefinition loaded = destinations.find("files_a").orElseThrow();
        assertThat(loaded.source()).isEqualTo("file");
        assertThat(loaded.settings()).containsEntry("format", "csv");
        assertThat(files.load(dir, NOBODY)).as("unchanged").isZero();

        Files.writeString(a, """
                key: files_a
                name: Files A
                type: file
                settings: {dir: /tmp/files-a, format: ndjson}
                rateLimit: {requests: 10, per: PT1M}
                """);
        assertThat(files.load(dir, NOBODY)).isEqualTo(1);
        given().header("Authorization", ADMIN)
                .get("/api/v1/destinations/files_a")
                .then()
                .statusCode(200)
                .body("version", org.hamcrest.Matchers.equalTo(2))
                .body("rateLimit.per", org.hamcrest.Matchers.equalTo("PT1M"))
                .body("sourceFile", org.hamcrest.Matchers.equalTo(a.toString()));

        Files.delete(a);
        assertThat(files.load(dir, key -> key.equals("files_a") ? List.of("nightly_crm") : List.of()))
                .as("kept while a sync uses it")
                .isZero();
        assertThat(destinations.find("files_a")).isPresent();
        assertThat(files.load(dir, NOBODY)).isEqualTo(1);
        assertThat(destinations.find("files_a")).isEmpty();
        assertThat(destinations.find("outbox"))
                .as("other folders' files are untouched")
                .isPresent();
    }

    @Test
    void aBadFileIsSkippedAndNeverHalfApplied() throws Exception {
        Path good = Files.writeString(dir.resolve("files_good.yaml"), """
                key: files_good
                name: Good
                type: file
                """);
        Path later = Files.writeString(dir.resolve("files_later.yaml"), """
                key: files_later
                name: Later
                type: file
                batchSize: 10
                """);
        Files.writeString(dir.resolve("files_literal.yaml"), """
                key: files_literal
                name: Pasted secret
                type: webhook
                settings: {url: "https://example.test/hook", secret: whsec_pasted}
                """);
        Files.writeString(dir.resolve("files_broken.yaml"), "key: files_broken\nname: [unclosed\n");
        Files.writeString(dir.resolve("files_zdup.yaml"), "key: files_good\nname: Duplicate\ntype: file\n");
        assertThat(files.load(dir, NOBODY)).isEqualTo(2);
        assertThat(destinations.find("files_good"))
                .get()
                .extracting(DestinationDefinition::name)
                .isEqualTo("Good");
        assertThat(destinations.find("files_literal")).isEmpty();
        assertThat(destinations.find("files_broken")).isEmpty();

        // A file that turns bad keeps the destination as it was, unchanged.
        Files.writeString(later, """
                key: files_later
                name: Later
                type: file
                batchSize: 999999
                unknown: 1
                """);
        assertThat(files.load(dir, NOBODY)).isZero();
        assertThat(destinations.find("files_later"))
                .get()
                .extracting(DestinationDefinition::batchSize)
                .isEqualTo(java.util.Optional.of(10));
        // So does one that cannot even be parsed any more.
        Files.writeString(later, "key: [");
        assertThat(files.load(dir, NOBODY)).isZero();
        assertThat(destinations.find("files_later")).isPresent();

        Files.delete(good);
        Files.delete(later);
        Files.delete(dir.resolve("files_zdup.yaml"));
        assertThat(files.load(dir, NOBODY)).isEqualTo(2);
        assertThat(destinations.find("files_good")).isEmpty();
    }

    @Test
    void aFileCannotTakeOverAnApiDestination() throws Exception {
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"key\": \"files_api\", \"name\": \"From the API\", \"type\": \"file\"}")
                .post("/api/v1/destinations")
                .then()
                .statusCode(201);
        Files.writeString(dir.resolve("files_api.yaml"), "name: From a file\ntype: file\n");

        assertThat(files.load(dir, NOBODY)).isZero();
        assertThat(destinations.find("files_api")).get().satisfies(d -> {
            assertThat(d.name()).isEqualTo("From the API");
            assertThat(d.source()).isEqualTo("api");
        });
    }

    @Test
    void aDestinationInUseCannotBeDeleted() {
        given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"key\": \"files_used\", \"name\": \"Used\", \"type\": \"file\"}")
                .post("/api/v1/destinations")
                .then()
                .statusCode(201);

        assertThatThrownBy(() -> destinations.delete("files_used", 1, key -> List.of("nightly_crm", "welcome")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("destination_in_use");
                    assertThat(e.getMessage()).contains("nightly_crm", "welcome");
                });
        assertThat(destinations.find("files_used")).isPresent();
        destinations.delete("files_used", 1, NOBODY);
        assertThat(destinations.find("files_used")).isEmpty();
    }
}
