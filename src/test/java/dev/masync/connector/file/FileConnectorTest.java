package dev.masync.connector.file;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SecretResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileConnectorTest {
    @TempDir
    Path outbox;

    final FileConnector connector = new FileConnector();

    @Test
    void writesOneNdjsonLinePerRecordAndConfirmsAll() throws Exception {
        Batch batch = new Batch(
                "b-1",
                "vips",
                List.of(
                        RecordChange.upsert("l1", "a@x.org", fields("plan", "pro", "score", 3)),
                        RecordChange.remove("l2", "b@x.org")));

        BatchResult result = connector.push(context(Map.of()), batch);

        assertThat(result.outcomes()).allMatch(RecordOutcome::isConfirmed).hasSize(2);
        assertThat(Files.readAllLines(outbox.resolve("vips/batch-b-1.ndjson")))
                .containsExactly(
                        "{\"learnerKey\":\"l1\",\"recordKey\":\"a@x.org\",\"kind\":\"UPSERT\",\"fields\":{\"plan\":\"pro\",\"score\":3}}",
                        "{\"learnerKey\":\"l2\",\"recordKey\":\"b@x.org\",\"kind\":\"REMOVE\",\"fields\":{}}");
    }

    @Test
    void replayedBatchOverwritesItsOwnFile() throws Exception {
        Batch batch = new Batch("b-1", "vips", List.of(RecordChange.upsert("l1", "a@x.org", fields("plan", "pro"))));

        connector.push(context(Map.of()), batch);
        connector.push(context(Map.of()), batch);

        assertThat(listing(outbox.resolve("vips"))).containsExactly("batch-b-1.ndjson");
        assertThat(Files.readAllLines(outbox.resolve("vips/batch-b-1.ndjson"))).hasSize(1);
    }

    @Test
    void failedWriteLeavesNoPartialFileAndKeepsThePreviousOne() throws Exception {
        Path file = outbox.resolve("vips/batch-b-1.ndjson");
        connector.push(
                context(Map.of()),
                new Batch("b-1", "vips", List.of(RecordChange.upsert("l1", "a@x.org", fields("plan", "pro")))));
        String before = Files.readString(file);

        // The first record is written to the temp file before the second one fails to serialize.
        assertThatThrownBy(() -> connector.push(
                        context(Map.of()),
                        new Batch(
                                "b-1",
                                "vips",
                                List.of(
                                        RecordChange.upsert("l1", "a@x.org", fields("plan", "basic")),
                                        RecordChange.upsert("l2", "b@x.org", fields("bad", new Exploding()))))))
                .isInstanceOf(RetryableException.class);

        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(listing(outbox.resolve("vips"))).containsExactly("batch-b-1.ndjson");
    }

    @Test
    void writesCsvWithRfc4180QuotingWhenAsked() throws Exception {
        Batch batch = new Batch(
                "b-2",
                "vips",
                List.of(
                        RecordChange.upsert("l1", "a@x.org", fields("name", "Doe, Jane", "note", "say \"hi\"")),
                        RecordChange.upsert("l2", "b@x.org", fields("note", "two\nlines", "extra", null))));

        connector.push(context(Map.of("format", "csv")), batch);

        assertThat(Files.readString(outbox.resolve("vips/batch-b-2.csv")))
                .isEqualTo("learnerKey,recordKey,kind,name,note,extra\r\n"
                        + "l1,a@x.org,UPSERT,\"Doe, Jane\",\"say \"\"hi\"\"\",\r\n"
                        + "l2,b@x.org,UPSERT,,\"two\nlines\",\r\n");
    }

    @Test
    void validationExplainsMissingDirAndUnknownFormat() {
        assertThat(connector.validate(Map.of("format", "xml")))
                .extracting(p -> p.setting())
                .containsExactly("dir", "format");
        assertThat(connector.validate(Map.of("dir", "/tmp/outbox"))).isEmpty();
    }

    @Test
    void aDefaultDirTakesTheDirSettingsPlace() throws Exception {
        FileConnector withDefault = new FileConnector(outbox.resolve("default"));
        DestinationContext noDir = new DestinationContext("outbox", Map.of(), SecretResolver.fromEnvironment(Map.of()));

        assertThat(withDefault.validate(Map.of())).isEmpty();
        assertThat(withDefault.validate(Map.of("dir", " ")))
                .extracting(p -> p.setting())
                .containsExactly("dir");
        withDefault.push(noDir, new Batch("b-1", "vips", List.of(RecordChange.remove("l1", "a@x.org"))));

        assertThat(outbox.resolve("default/vips/batch-b-1.ndjson")).exists();
        withDefault.push(context(Map.of()), new Batch("b-2", "vips", List.of(RecordChange.remove("l1", "a@x.org"))));
        assertThat(outbox.resolve("vips/batch-b-2.ndjson"))
                .as("an explicit dir wins")
                .exists();
    }

    @Test
    void probeCreatesTheOutboxAndLeavesNothingBehind() throws Exception {
        Path dir = outbox.resolve("new/outbox");
        DestinationContext context = new DestinationContext(
                "outbox", Map.of("dir", dir.toString()), SecretResolver.fromEnvironment(Map.of()));

        connector.probe(context);

        assertThat(dir).isDirectory();
        assertThat(listing(dir)).isEmpty();
    }

    @Test
    void probeReportsAnOutboxThatCannotBeWritten() throws Exception {
        Path file = Files.writeString(outbox.resolve("not-a-dir"), "x");
        DestinationContext context = new DestinationContext(
                "outbox", Map.of("dir", file.resolve("sub").toString()), SecretResolver.fromEnvironment(Map.of()));

        assertThatThrownBy(() -> connector.probe(context))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG))
                .hasMessageContaining("cannot be written");
    }

    @Test
    void refusesSyncKeysThatEscapeTheOutbox() {
        assertThatThrownBy(() -> connector.push(
                        context(Map.of()), new Batch("b-1", "../etc", List.of(RecordChange.remove("l", "k")))))
                .hasMessageContaining("not a safe file name");
    }

    private DestinationContext context(Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>(extra);
        settings.put("dir", outbox.toString());
        return new DestinationContext("outbox", settings, SecretResolver.fromEnvironment(Map.of()));
    }

    private static Map<String, Object> fields(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) map.put((String) pairs[i], pairs[i + 1]);
        return map;
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    static final class Exploding {
        public String getValue() {
            throw new IllegalStateException("boom");
        }
    }
}
