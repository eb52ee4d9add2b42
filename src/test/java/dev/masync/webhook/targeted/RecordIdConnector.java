package dev.masync.webhook.targeted;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RecordOutcome;
import dev.masync.connector.spi.SettingProblem;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test connector ({@code crmids}) that holds records like a CRM: by e-mail without regard to case, each with an id of
 * its own, given on creation and named in every confirmation; {@link #delete} removes one as a CRM user would.
 * Remembers what each push carried.
 */
@ApplicationScoped
public class RecordIdConnector implements Destination {
    /** A record the CRM holds: its id and fields. */
    public record Held(String id, Map<String, Object> fields) {}

    private static final AtomicLong NEXT = new AtomicLong(5000);
    private final Map<String, Held> records = new HashMap<>();
    private final List<RecordChange> pushed = new ArrayList<>();

    @Override
    public String type() {
        return "crmids";
    }

    @Override
    public List<SettingProblem> validate(Map<String, String> settings) {
        return List.of();
    }

    @Override
    public synchronized BatchResult push(DestinationContext context, Batch batch) {
        List<RecordOutcome> out = new ArrayList<>();
        for (RecordChange c : batch.records()) {
            pushed.add(c);
            Held h = records.computeIfAbsent(
                    c.destinationKey().toLowerCase(Locale.ROOT),
                    k -> new Held("c" + NEXT.incrementAndGet(), new HashMap<>()));
            h.fields().putAll(c.fields());
            out.add(RecordOutcome.confirmed(c.destinationKey(), h.id()));
        }
        return new BatchResult(out);
    }

    @Override
    public BatchLimits limits() {
        return new BatchLimits(100, 1_000_000);
    }

    public synchronized Held held(String email) {
        return records.get(email.toLowerCase(Locale.ROOT));
    }

    /** Deletes a record as a CRM user would; its id. */
    public synchronized String delete(String email) {
        return records.remove(email.toLowerCase(Locale.ROOT)).id();
    }

    /** The changes pushed since the last call, in order. */
    public synchronized List<RecordChange> drainPushed() {
        List<RecordChange> out = List.copyOf(pushed);
        pushed.clear();
        return out;
    }
}
