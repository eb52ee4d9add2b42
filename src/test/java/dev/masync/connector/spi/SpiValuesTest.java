package dev.masync.connector.spi;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpiValuesTest {

    @Test
    void recordChangeFieldsAreImmutableCopiesThatKeepOrderAndNulls() {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("b", 1);
        fields.put("a", null);
        RecordChange change = RecordChange.upsert("l1", "a@x", fields);
        fields.put("c", 3);

        assertThat(change.fields())
                .containsExactly(Map.entry("b", 1), new java.util.AbstractMap.SimpleEntry<>("a", null));
        assertThatThrownBy(() -> change.fields().put("d", 4)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void allConfirmedHasOneConfirmationPerRecord() {
        Batch batch = new Batch("b1", "s1", List.of(RecordChange.remove("l1", "k1"), RecordChange.remove("l2", "k2")));

        BatchResult result = BatchResult.allConfirmed(batch);

        assertThat(result.confirmed()).extracting(RecordOutcome::destinationKey).containsExactly("k1", "k2");
        assertThat(result.rejected()).isEmpty();
    }

    @Test
    void rejectionNeedsCodeAndMessage() {
        assertThatThrownBy(() -> new RecordOutcome("k", RecordOutcome.Status.REJECTED, null, "m"))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void secretRefsParseEnvAndFileAndNeverEchoBadInput() {
        assertThat(SecretRef.parse("env:HOOK_SECRET")).isEqualTo(new SecretRef(SecretRef.Source.ENV, "HOOK_SECRET"));
        assertThat(SecretRef.parse("file:/run/secrets/hook").toString()).isEqualTo("file:/run/secrets/hook");
        assertThatThrownBy(() -> SecretRef.parse("whsec_c2VjcmV0"))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain("whsec_");
    }

    @Test
    void resolvedSecretsAreMaskedInToString() {
        Secret secret = SecretResolver.fromEnvironment(Map.of("S", "hunter2")).resolve(SecretRef.parse("env:S"));

        assertThat(secret.reveal()).isEqualTo("hunter2");
        assertThat(secret.toString()).doesNotContain("hunter2");
    }

    @Test
    void fileSecretsLoseTheirTrailingNewline(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("s"), "hunter2\n");

        assertThat(SecretResolver.standard()
                        .resolve(SecretRef.parse("file:" + file))
                        .reveal())
                .isEqualTo("hunter2");
    }

    @Test
    void missingSecretIsInvalidConfig() {
        assertThatThrownBy(() -> SecretResolver.fromEnvironment(new HashMap<>()).resolve(SecretRef.parse("env:NOPE")))
                .isInstanceOfSatisfying(
                        PermanentException.class,
                        e -> assertThat(e.code()).isEqualTo(PermanentException.Code.INVALID_CONFIG));
    }
}
