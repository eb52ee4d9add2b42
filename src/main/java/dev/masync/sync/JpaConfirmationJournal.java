package dev.masync.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.sync.state.ConfirmationJournal;
import dev.masync.sync.state.StateFencedException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The confirmation journal in the control DB ({@code sync_confirmations}, owners in {@code sync_state_owners}). Each
 * call runs in a transaction of its own, so an append is committed when it returns even if the caller's transaction
 * later rolls back. An append locks the key's owner row and writes only if its run owns the key, so a claim and an
 * append never interleave. Excluded keys are stored as JSON, spread over several rows of one entry when they would
 * not fit one.
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
    public long claim(String stateKey, long run) {
        Objects.requireNonNull(stateKey, "stateKey");
        return QuarkusTransaction.requiringNew().call(() -> {
            SyncStateOwnerEntity owner = SyncStateOwnerEntity.findById(stateKey, LockModeType.PESSIMISTIC_WRITE);
            if (owner == null) {
                owner = new SyncStateOwnerEntity();
                owner.stateKey = stateKey;
                owner.runId = run;
                owner.claimedAt = clock.instant();
                owner.persist();
                return 0L;
            }
            long previous = owner.runId;
            owner.runId = run;
            owner.claimedAt = clock.instant();
            return previous;
        });
    }

    @Override
    public long owner(String stateKey) {
        return QuarkusTransaction.requiringNew().call(() -> {
            SyncStateOwnerEntity owner = SyncStateOwnerEntity.findById(stateKey);
            return owner == null ? 0L : owner.runId;
        });
    }

    @Override
    public void append(String stateKey, long run, Kind kind, long fromSeq, long toSeq, Collection<String> excluded) {
        append(stateKey, run, List.of(new Entry(run, kind, fromSeq, toSeq, List.copyOf(excluded))));
    }

    /** All entries in one transaction: one lock of the owner row and one commit per sending window. */
    @Override
    public void append(String stateKey, long run, List<Entry> entries) {
        Objects.requireNonNull(stateKey, "stateKey");
        List<List<String>> parts = new ArrayList<>();
        for (Entry e : entries) {
            parts.add(chunks(e.excluded(), MAX_JSON_CHARS));
        }
        QuarkusTransaction.requiringNew().run(() -> {
            SyncStateOwnerEntity owner = SyncStateOwnerEntity.findById(stateKey, LockModeType.PESSIMISTIC_WRITE);
            if (owner == null || owner.runId != run) {
                throw new StateFencedException(stateKey, run, owner == null ? 0 : owner.runId);
            }
            for (int n = 0; n < entries.size(); n++) {
                Entry entry = entries.get(n);
                List<String> json = parts.get(n);
                for (int i = 0; i < json.size(); i++) {
                    SyncConfirmationEntity e = new SyncConfirmationEntity();
                    e.syncKey = stateKey;
                    e.runId = run;
                    e.kind = entry.kind().name();
                    e.fromSeq = entry.fromSeq();
                    e.toSeq = entry.toSeq();
                    e.part = i;
                    e.excludedJson = json.get(i);
                    e.confirmedAt = clock.instant();
                    e.persist();
                }
            }
        });
    }

    @Override
    public List<Entry> entries(String syncKey) {
        List<SyncConfirmationEntity> rows = QuarkusTransaction.requiringNew()
                .call(() -> SyncConfirmationEntity.<SyncConfirmationEntity>list("syncKey = ?1 order by id", syncKey));
        List<Entry> out = new ArrayList<>();
        SyncConfirmationEntity first = null;
        List<String> excluded = null;
        for (SyncConfirmationEntity row : rows) {
            if (row.part == 0) {
                if (excluded != null) {
                    out.add(entry(first, excluded));
                }
                first = row;
                excluded = new ArrayList<>();
            } else if (excluded == null) {
                continue; // a continuation without its first row cannot happen: an entry is written in one commit
            }
            excluded.addAll(read(row.excludedJson));
        }
        if (excluded != null) {
            out.add(entry(first, excluded));
        }
        return List.copyOf(out);
    }

    private static Entry entry(SyncConfirmationEntity first, List<String> excluded) {
        return new Entry(first.runId, Kind.valueOf(first.kind), first.fromSeq, first.toSeq, excluded);
    }

    @Override
    public void clear(String syncKey) {
        QuarkusTransaction.requiringNew().run(() -> SyncConfirmationEntity.delete("syncKey", syncKey));
    }

    /** Locks the owner row, checks it and deletes the entries in one transaction. */
    @Override
    public void clear(String stateKey, long ownerRun) {
        QuarkusTransaction.requiringNew().run(() -> {
            SyncStateOwnerEntity owner = SyncStateOwnerEntity.findById(stateKey, LockModeType.PESSIMISTIC_WRITE);
            if (owner == null || owner.runId != ownerRun) {
                throw new StateFencedException(stateKey, ownerRun, owner == null ? 0 : owner.runId);
            }
            SyncConfirmationEntity.delete("syncKey", stateKey);
        });
    }

    @Override
    public void forget(String stateKey) {
        QuarkusTransaction.requiringNew().run(() -> {
            SyncConfirmationEntity.delete("syncKey", stateKey);
            SyncStateOwnerEntity.deleteById(stateKey);
        });
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
