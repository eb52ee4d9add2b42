package dev.masync.definition;

import dev.masync.destination.DestinationFiles;
import dev.masync.segment.SegmentFiles;
import dev.masync.sync.SyncEntity;
import dev.masync.sync.SyncFiles;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A definition file that fails to read or validate keeps the last good definition and its state, and says so in the
 * readiness check; only a file that is really gone removes its definition, and a missing folder removes nothing.
 */
@QuarkusTest
class DefinitionFilesFaultsTest {
    static final String ADMIN = "Bearer test-admin-key";

    @Inject
    SegmentFiles segmentFiles;

    @Inject
    DestinationFiles destinationFiles;

    @Inject
    SyncFiles syncFiles;

    @TempDir
    Path root;

    @BeforeEach
    void base() {
        post("/api/v1/segments", """
                {"key": "faults_base", "name": "Base", "rule": {"attribute": "plan", "op": "in", "values": ["basic"]}}""");
        post("/api/v1/destinations", """
                {"key": "faults_base", "name": "Base", "type": "file"}""");
    }

    private static final String SYNC = """
            key: faults_file_sync
            name: From a file
            segment: faults_base
            destination: faults_base
            identity: {attribute: learner_id, field: external_id}
            mapping: [{source: COLUMN, target: streak}]
            """;

    private static SyncEntity sync(String key) {
        return QuarkusTransaction.requiringNew().call(() -> SyncEntity.<SyncEntity>findById(key));
    }

    @Test
    void aSyncFileThatNoLongerFitsTheCatalogKeepsItsDefinitionAndState() throws Exception {
        Path dir = Files.createDirectories(root.resolve("syncs"));
        Path file = Files.writeString(dir.resolve("s.yaml"), SYNC.replace("COLUMN", "streak_days"));
        assertThat(DefinitionFiles.load(dir, syncFiles)).isEqualTo(1);
        SyncEntity before = sync("faults_file_sync");

        for (String broken : new String[] {
            SYNC.replace("COLUMN", "column_dropped_upstream"), // the catalog changed
            SYNC.replace("COLUMN", "streak_days").replace("faults_base\nidentity", "segment_gone\nidentity"),
            SYNC.replace("COLUMN", "streak_days") + "mode: [", // not YAML
            SYNC.replace("COLUMN", "streak_days") + "name: twice\n" // a field written twice
        }) {
            Files.writeString(file, broken);
            assertThat(DefinitionFiles.load(dir, syncFiles)).as(broken).isZero();
            SyncEntity now = sync("faults_file_sync");
            assertThat(now).as("kept").isNotNull();
            assertThat(now.version).isEqualTo(before.version);
            assertThat(now.stateId).as("its state is kept").isEqualTo(before.stateId);
            assertThat(now.definitionJson).isEqualTo(before.definitionJson);
            assertThat(DefinitionFiles.problems().get("sync")).containsKey(file.toString());
            Response health = given().get("/q/health/ready");
            assertThat(health.asString())
                    .contains("definition files", file.getFileName().toString());
        }

        Files.writeString(file, SYNC.replace("COLUMN", "streak_days"));
        assertThat(DefinitionFiles.load(dir, syncFiles)).isZero();
        assertThat(DefinitionFiles.problems().get("sync")).isEmpty();

        Files.delete(file);
        assertThat(DefinitionFiles.load(dir, syncFiles))
                .as("really gone: removed")
                .isEqualTo(1);
        assertThat(sync("faults_file_sync")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"segments", "destinations", "syncs"})
    void aMissingFolderRemovesNothingAnEmptyOneRemovesItsDefinitions(String kind) throws Exception {
        DefinitionFiles.Kind loader = switch (kind) {
            case "segments" -> segmentFiles;
            case "destinations" -> destinationFiles;
            default -> syncFiles;
        };
        String key = "faults_folder_" + kind;
        String body = switch (kind) {
            case "segments" -> "key: KEY\nname: F\nrule: {attribute: plan, op: in, values: [basic]}\n";
            case "destinations" -> "key: KEY\nname: F\ntype: file\n";
            default ->
                "key: KEY\nname: F\nsegment: faults_base\ndestination: faults_base\n"
                        + "identity: {attribute: learner_id, field: external_id}\n"
                        + "mapping: [{source: streak_days, target: streak}]\n";
        };
        Path dir = Files.createDirectories(root.resolve(kind));
        Path file = Files.writeString(dir.resolve(key + ".yaml"), body.replace("KEY", key));
        assertThat(DefinitionFiles.load(dir, loader)).isEqualTo(1);
        String path = "/api/v1/" + kind + "/" + key;
        assertThat(get(path).statusCode()).isEqualTo(200);

        Files.delete(file);
        Files.delete(dir);
        assertThat(DefinitionFiles.load(dir, loader))
                .as("folder missing: nothing removed")
                .isZero();
        assertThat(get(path).statusCode()).isEqualTo(200);
        Map<String, String> problems = DefinitionFiles.problems().get(loader.name());
        assertThat(problems).containsKey(dir.toString());

        Files.createDirectories(dir);
        assertThat(DefinitionFiles.load(dir, loader))
                .as("folder empty: its files are gone")
                .isEqualTo(1);
        assertThat(get(path).statusCode()).isEqualTo(404);
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
