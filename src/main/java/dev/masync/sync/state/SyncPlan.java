package dev.masync.sync.state;

import dev.masync.sync.SyncDefinition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the state store needs to diff one sync: the learner-key column, the warehouse columns to read (identity and
 * mapped attributes, each once, never the key) and the definition's fingerprint. A changed fingerprint (other
 * fields, formats, identity, membership or mode) makes every held record differ, so all of its fields are sent again.
 *
 * @param stateKey  names the sync's state tables: the sync key plus the state's generation, which changes when the
 *                  sync is re-created or sent to another destination (that destination holds nothing from us yet)
 * @param columns   distinct attributes to read besides the key, in a stable order
 * @param identity  the column whose value is the destination key ({@code keyColumn} itself or one of {@code columns})
 * @param fields    per mapped field, the column it reads ({@code keyColumn} or one of {@code columns})
 * @param salts     per mapped field, text hashed with its value so that renaming or reformatting a field changes it
 */
public record SyncPlan(
        String syncKey,
        String stateKey,
        String keyColumn,
        List<String> columns,
        String identity,
        List<String> fields,
        List<String> salts,
        long fingerprint) {

    public SyncPlan {
        Objects.requireNonNull(syncKey, "syncKey");
        Objects.requireNonNull(stateKey, "stateKey");
        Objects.requireNonNull(keyColumn, "keyColumn");
        columns = List.copyOf(columns);
        Objects.requireNonNull(identity, "identity");
        fields = List.copyOf(fields);
        salts = List.copyOf(salts);
        if (fields.size() != salts.size()) {
            throw new IllegalArgumentException("one salt per field");
        }
    }

    public static SyncPlan of(SyncDefinition d, String keyColumn) {
        return of(d, keyColumn, null);
    }

    /** @param stateId the sync's state generation ({@code [a-z0-9]+}), or null to name the state after the key only */
    public static SyncPlan of(SyncDefinition d, String keyColumn, String stateId) {
        List<String> columns = new ArrayList<>();
        if (!d.identity().attribute().equals(keyColumn)) {
            columns.add(d.identity().attribute());
        }
        List<String> fields = new ArrayList<>();
        List<String> salts = new ArrayList<>();
        for (SyncDefinition.FieldMapping m : d.mapping()) {
            if (!m.source().equals(keyColumn) && !columns.contains(m.source())) {
                columns.add(m.source());
            }
            fields.add(m.source());
            salts.add(m.target() + "|" + m.format());
        }
        String identity = d.identity().attribute();
        String print = String.join(
                "\u0001",
                List.of(
                        identity,
                        d.identity().field(),
                        String.valueOf(d.mapping()),
                        String.valueOf(d.membership()),
                        d.mode().name()));
        String stateKey = stateId == null ? d.key() : d.key() + "__" + stateId;
        return new SyncPlan(d.key(), stateKey, keyColumn, columns, identity, fields, salts, fingerprint(print));
    }

    private static long fingerprint(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (digest[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
