package dev.masync.destination;

import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Capabilities;
import dev.masync.connector.spi.Capabilities.IdentityKind;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.Capabilities.WriteMode;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.DestinationSchema.Field;
import dev.masync.connector.spi.DestinationSchema.FieldType;
import dev.masync.connector.spi.Probe;
import dev.masync.connector.spi.SchemaReader;
import dev.masync.connector.spi.SettingProblem;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A test connector ({@code schema_crm}) that describes its fields like a CRM: what {@link #schema} supplies (or
 * throws), counting reads, optionally holding a read until a latch opens. Records pushed to it are confirmed.
 */
@ApplicationScoped
public class SchemaConnector implements Destination, Probe, SchemaReader {
    public static final String TYPE = "schema_crm";

    /** What the next reads answer; a supplier may throw a DestinationException. */
    public static volatile Supplier<DestinationSchema> schema = SchemaConnector::crm;
    /** When set, a read counts {@link #entered} down and waits for this latch (at most 30 s). */
    public static volatile CountDownLatch hold;

    public static volatile CountDownLatch entered = new CountDownLatch(1);
    public static final AtomicInteger READS = new AtomicInteger();

    public static void reset() {
        schema = SchemaConnector::crm;
        CountDownLatch h = hold;
        hold = null;
        if (h != null) h.countDown();
        entered = new CountDownLatch(1);
        READS.set(0);
    }

    /** Contacts: e-mail and member_no find records; a few fields of each type. */
    public static DestinationSchema crm() {
        return schema(
                new Field("email", FieldType.STRING, true, true, OptionalInt.of(254), List.of()),
                new Field("member_no", FieldType.STRING, true, true, OptionalInt.empty(), List.of()),
                field("firstname", FieldType.STRING),
                field("streak_days", FieldType.NUMBER),
                field("watch_minutes", FieldType.NUMBER),
                field("exam_date", FieldType.DATE),
                field("last_active", FieldType.DATETIME),
                field("email_opt_in", FieldType.BOOLEAN),
                field("in_segment", FieldType.BOOLEAN),
                new Field("tier", FieldType.ENUMERATION, true, false, OptionalInt.empty(), List.of("vip", "regular")),
                new Field("lifecycle_stage", FieldType.STRING, false, false, OptionalInt.empty(), List.of()));
    }

    public static Field field(String name, FieldType type) {
        return new Field(name, type, true, false, OptionalInt.empty(), List.of());
    }

    public static DestinationSchema schema(Field... fields) {
        Map<String, Field> byName = new LinkedHashMap<>();
        for (Field f : fields) byName.put(f.name(), f);
        return new DestinationSchema(byName);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<String> settingNames() {
        return Set.of("account");
    }

    @Override
    public List<SettingProblem> validate(Map<String, String> settings) {
        return List.of();
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(
                Set.of(IdentityKind.EMAIL, IdentityKind.EXTERNAL_ID),
                EnumSet.allOf(WriteMode.class),
                EnumSet.allOf(MembershipStyle.class));
    }

    @Override
    public void probe(DestinationContext context) {}

    @Override
    public DestinationSchema schema(DestinationContext context) {
        READS.incrementAndGet();
        CountDownLatch h = hold;
        if (h != null) {
            entered.countDown();
            try {
                h.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return schema.get();
    }

    @Override
    public BatchResult push(DestinationContext context, Batch batch) {
        return BatchResult.allConfirmed(batch);
    }

    @Override
    public BatchLimits limits() {
        return new BatchLimits(100, 1_000_000);
    }
}
