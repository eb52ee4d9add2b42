package dev.masync.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.sync.state.ConfirmationJournal;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The confirmation journal in the control DB ({@code sync_confirmations}). Each call runs in a transaction of its
 * own, so an append is committed when it returns even if the caller's transaction later rolls back. Excluded keys
 * are stored as JSON, spread over several rows of one entry when they would not fit one.
 */
@ApplicationScoped
public class JpaConfirmationJournal implements ConfirmationJournal {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> KEYS = new TypeReference<>() {};
    /** Characters of JSON per row, below the column's 1,000,000. */
    static final int MAX_JSON_CHARS = 900_000;

    private final Clock clock;

    JpaConfirmationJournal(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void append(String syncKey, long fromSeq, long toSeq, Collection<String> excluded) {
        Objects.requireNonNull(syncKey, "syncKey");
        List<String> parts = chunks(excluded, MAX_JSON_CHARS);
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < parts.size(); i++) {
                SyncConfirmationEntity e = new SyncConfirmationEntity();
                e.syncKey = syncKey;
                e.fromSeq = fromSeq;
                e.toSeq = toSeq;
                e.part = i;
                e.excludedJson = parts.get(i);
                e.confirmedAt = clock.instant();
                e.persist();
            }
        });
    }

    @Override
    public List<Entry> entries(String syncKey) {
        List<SyncConfirmationEntity> rows = QuarkusTransaction.requiringNew()
                .call(() -> SyncConfirmationEntity.<SyncConfirmationEntity>list("syncKey = ?1 order by id", syncKey));
        List<Entry> out = new ArrayList<>();
        long from = 0;
        long to = 0;
        List<String> excluded = null;
        for (SyncConfirmationEntity row : rows) {
            if (row.part == 0) {
                if (excluded != null) {
                    out.add(new Entry(from, to, excluded));
                }
                from = row.fromSeq;
                to = row.toSeq;
                excluded = new ArrayList<>();
            } else if (excluded == null) {
                continue; // a continuation without its first row cannot happen: an entry is written in one commit
            }
            excluded.addAll(read(row.excludedJson));
        }
        if (excluded != null) {
            out.add(new Entry(from, to, excluded));
        }
        return List.copyOf(out);
    }

    @Override
    public void clear(String syncKey) {
        QuarkusTransaction.requiringNew().run(() -> SyncConfirmationEntity.delete("syncKey", syncKey));
    }

    /** JSON arrays of the keys, each at most {@code maxChars} long unless one key alone is longer; at least one. */
    static List<String> chunks(Collection<String> keys, int maxChars) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder("[");
        for (String key : keys) {
            String encoded = write(key);
            if (current.length() > 1 && current.length() + encoded.length() + 2 > maxChars) {
                out.add(current.append(']').toString());
                current = new StringBuilder("[");
            }
            current.append(current.length() > 1 ? "," : "").append(encoded);
        }
        out.add(current.append(']').toString());
        return out;
    }

    private static String write(String key) {
        try {
            return JSON.writeValueAsString(Objects.requireNonNull(key, "excluded key"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> read(String json) {
        try {
            return JSON.readValue(json, KEYS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable sync_confirmations.excluded_json: " + e.getMessage(), e);
        }
    }
}
