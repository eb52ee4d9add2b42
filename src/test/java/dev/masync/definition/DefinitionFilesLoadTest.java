package dev.masync.definition;

import dev.masync.destination.DestinationFiles;
import dev.masync.segment.SegmentFiles;
import dev.masync.sync.SyncFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loading definition files behaves the same for segments, destinations and syncs: one key in two files loads the
 * first, a file that cannot be read keeps what it defined, a key is handed to the next file that defines it, and a
 * definition whose files are gone is removed.
 */
@QuarkusTest
class DefinitionFilesLoadTest {
    static final String ADMIN = "Bearer test-admin-key";

    @Inject
    SegmentFiles segmentFiles;

    @Inject
    DestinationFiles destinationFiles;

    @Inject
    SyncFiles syncFiles;

    @TempDir
    Path dir;

    /** What the syncs refer to. */
    @BeforeEach
    void base() {
        post("/api/v1/segments", """
                {"key": "load_base", "name": "Base", "rule": {"attribute": "plan", "op": "in", "values": ["basic"]}}""");
        post("/api/v1/destinations", """
                {"key": "load_base", "name": "Base", "type": "file"}""");
    }

    @AfterEach
    void removeBase() {
        for (String path :
                List.of("/api/v1/syncs/load_same", "/api/v1/segments/load_base", "/api/v1/destinations/load_base")) {
            Response r = given().header("Authorization", ADMIN).get(path);
            if (r.statusCode() == 200) {
                given().header("Authorization", ADMIN)
                        .header("If-Match", r.header("ETag"))
                        .delete(path)
                        .then()
                        .statusCode(204);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"segments", "destinations", "syncs"})
    void everyKindLoadsTheSameWay(String kind) throws Exception {
        DefinitionFiles.Kind loader = switch (kind) {
            case "segments" -> segmentFiles;
            case "destinations" -> destinationFiles;
            default -> syncFiles;
        };
        String path = "/api/v1/" + kind + "/load_same";
        Path a = Files.writeString(dir.resolve("a.yaml"), body(kind, "First"));
        Path b = Files.writeString(dir.resolve("b.yaml"), body(kind, "Second"));
        Path z = Files.writeString(dir.resolve("z.yaml"), "key: [");

        assertThat(DefinitionFiles.load(dir, loader))
                .as("one key in two files: the first loads")
                .isEqualTo(1);
        assertThat(name(path)).isEqualTo("First");
        assertThat(get(path).jsonPath().getString("sourceFile")).isEqualTo(a.toString());
        assertThat(get(path).jsonPath().getString("createdBy")).isEqualTo("file:" + a);
        assertThat(DefinitionFiles.load(dir, loader)).as("unchanged").isZero();
        Files.delete(z);

        Files.delete(b);
        Files.writeString(a, body(kind, "First") + "name: Twice\n");
        assertThat(DefinitionFiles.load(dir, loader))
                .as("unreadable: kept as it was")
                .isZero();
        assertThat(name(path)).isEqualTo("First");

        Files.writeString(a, body(kind, "First") + "unknown_field: 1\n");
        assertThat(DefinitionFiles.load(dir, loader))
                .as("not valid: kept as it was")
                .isZero();
        assertThat(name(path)).isEqualTo("First");

        Files.writeString(a, body(kind, "Changed"));
        assertThat(DefinitionFiles.load(dir, loader)).isEqualTo(1);
        assertThat(name(path)).isEqualTo("Changed");
        assertThat(get(path).jsonPath().getInt("version")).isEqualTo(2);

        Files.writeString(a, body(kind, "Other").replace("load_same", "load_other") + "unknown_field: 1\n");
        assertThat(DefinitionFiles.load(dir, loader))
                .as("read, and names another key (that does not validate): the old key is removed")
                .isEqualTo(1);
        assertThat(get(path).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/" + kind + "/load_other").statusCode()).isEqualTo(404);
    }

    private static String body(String kind, String name) {
        return switch (kind) {
            case "segments" -> "key: load_same\nname: " + name + "\nrule: {attribute: plan, op: in, values: [basic]}\n";
            case "destinations" -> "key: load_same\nname: " + name + "\ntype: file\n";
            default ->
                "key: load_same\nname: " + name + "\nsegment: load_base\ndestination: load_base\n"
                        + "mapping: [{source: plan}]\n";
        };
    }

    private static String name(String path) {
        Response r = get(path);
        assertThat(r.statusCode()).isEqualTo(200);
        String name = r.jsonPath().getString("name");
        return name != null ? name : r.jsonPath().getString("definition.name");
    }

    private static Response get(String path) {
        return given().header("Authorization", ADMIN).get(path);
    }

    private static void post(String path, String body) {
        int status = given().header("Authorization", ADMIN)
                .contentType("application/json")
                .body(body)
                .post(path)
                .statusCode();
        assertThat(status).isIn(201, 409);
    }
}
