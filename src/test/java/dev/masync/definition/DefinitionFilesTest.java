package dev.masync.definition;

import dev.masync.definition.DefinitionFiles.DefinitionFile;
import dev.masync.definition.DefinitionFiles.Folder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The one reading of definition folders, case by case, the same for segment, destination and sync files. */
class DefinitionFilesTest {

    /** A valid-looking file of each kind, with its key and a name to vary. */
    enum Kind {
        SEGMENT("""
                key: %s
                name: %s
                rule: {attribute: plan, op: in, values: [basic]}
                """),
        DESTINATION("""
                key: %s
                name: %s
                type: file
                settings: {dir: /tmp/outbox}
                """),
        SYNC("""
                key: %s
                name: %s
                segment: math_slipping
                destination: outbox
                """);

        final String template;

        Kind(String template) {
            this.template = template;
        }

        String file(String key, String name) {
            return template.formatted(key, name);
        }
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFileIsReadWithItsKeyOrItsNameAsKey(Kind kind) throws Exception {
        Files.writeString(dir.resolve("b_named.yaml"), kind.file("b_key", "B"));
        Files.writeString(dir.resolve("a_stem.yml"), kind.file("x", "A").replace("key: x\n", ""));
        Files.writeString(dir.resolve("notes.md"), "not a definition");

        Folder folder = DefinitionFiles.read(dir);

        assertThat(folder.files())
                .extracting(p -> p.getFileName().toString())
                .containsExactly("a_stem.yml", "b_named.yaml");
        assertThat(folder.definitions()).extracting(DefinitionFile::key).containsExactly("a_stem", "b_key");
        assertThat(folder.definitions().get(1).sourceFile())
                .isEqualTo(dir.resolve("b_named.yaml").toString());
        assertThat(folder.problems()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFieldWrittenTwiceIsRefusedNamingTheFieldNotItsValue(Kind kind) throws Exception {
        Path file = Files.writeString(dir.resolve("twice.yaml"), kind.file("twice", "First") + "name: s3cr3t_pasted\n");

        Folder folder = DefinitionFiles.read(dir);

        assertThat(folder.definitions()).isEmpty();
        assertThat(folder.problems().get(file))
                .contains("'name'", "written twice", "line")
                .doesNotContain("s3cr3t");
        assertThat(folder.readFiles()).as("unreadable: what it defined is kept").doesNotContain(file.toString());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFileOverTheCapIsRefusedUnread(Kind kind) throws Exception {
        String padding = "# " + "x".repeat(100) + "\n";
        Path file = Files.writeString(
                dir.resolve("huge.yaml"),
                kind.file("huge", "Huge")
                        + padding.repeat((int) (DefinitionFiles.MAX_FILE_BYTES / padding.length()) + 1));
        Path small = Files.writeString(dir.resolve("small.yaml"), kind.file("small", "Small"));

        Folder folder = DefinitionFiles.read(dir);

        assertThat(Files.size(file)).isGreaterThan(DefinitionFiles.MAX_FILE_BYTES);
        assertThat(folder.problems().get(file)).contains("larger than " + DefinitionFiles.MAX_FILE_BYTES);
        assertThat(folder.definitions()).extracting(DefinitionFile::file).containsExactly(small);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void oneKeyInTwoFilesLoadsTheFirstAndRefusesTheSecond(Kind kind) throws Exception {
        Path first = Files.writeString(dir.resolve("a.yaml"), kind.file("same", "First"));
        Path second = Files.writeString(dir.resolve("b.yaml"), kind.file("same", "Second"));
        Path byStem = Files.writeString(
                dir.resolve("same.yaml"), kind.file("x", "Third").replace("key: x\n", ""));

        Folder folder = DefinitionFiles.read(dir);

        assertThat(folder.definitions()).extracting(DefinitionFile::file).containsExactly(first);
        assertThat(folder.definitions().get(0).node().get("name").asText()).isEqualTo("First");
        assertThat(folder.problems().get(second)).contains("key 'same' is already defined by " + first);
        assertThat(folder.problems().get(byStem)).contains("key 'same' is already defined by " + first);
        assertThat(folder.claimedKeys()).containsExactly("same");
        assertThat(folder.readFiles()).as("read: they claim no other key").contains(second.toString());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void invalidYamlIsReportedByPositionWithoutQuotingTheFile(Kind kind) throws Exception {
        Path file = Files.writeString(dir.resolve("broken.yaml"), kind.file("broken", "[unclosed s3cr3t_pasted"));

        Folder folder = DefinitionFiles.read(dir);

        assertThat(folder.definitions()).isEmpty();
        assertThat(folder.problems().get(file))
                .startsWith("not valid YAML at line")
                .doesNotContain("s3cr3t");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFileThatIsNotAMappingIsRefused(Kind kind) throws Exception {
        Path list =
                Files.writeString(dir.resolve("list.yaml"), "- " + kind.name().toLowerCase() + "\n");
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");

        Folder folder = DefinitionFiles.read(dir);

        assertThat(folder.definitions()).isEmpty();
        assertThat(folder.problems()).containsOnlyKeys(list, empty);
        assertThat(folder.problems().get(list)).contains("expected a mapping");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMissingFolderIsEmpty(Kind kind) throws Exception {
        Folder folder = DefinitionFiles.read(dir.resolve(kind.name().toLowerCase()));

        assertThat(folder.files()).isEmpty();
        assertThat(folder.definitions()).isEmpty();
    }
}
