package dev.masync.sync;

import dev.masync.connector.spi.Capabilities;
import dev.masync.connector.spi.Capabilities.IdentityKind;
import dev.masync.connector.spi.MembershipTarget;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A sync: which segment goes to which destination, how learners are identified there, which attributes are sent
 * under which field names, how membership is shown, and when it runs. The same shape in REST bodies and in
 * {@code connectors/syncs/*.yaml}. {@code maxBytesBilled}, where set, is a run's budget of warehouse bytes billed:
 * a run that would spend more stops before the query that would exceed it.
 */
public record SyncDefinition(
        String key,
        String name,
        String segment,
        String destination,
        Identity identity,
        List<FieldMapping> mapping,
        Optional<Membership> membership,
        Mode mode,
        Optional<Schedule> schedule,
        boolean paused,
        Guard guard,
        Optional<Freshness> freshness,
        OptionalLong maxBytesBilled) {

    public SyncDefinition {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(identity, "identity");
        mapping = List.copyOf(mapping);
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(freshness, "freshness");
        Objects.requireNonNull(maxBytesBilled, "maxBytesBilled");
    }

    /**
     * What the destination does with members and leavers: {@code upsert} creates or updates members and leaves
     * leavers alone; {@code update} only updates records that already exist; {@code mirror} also propagates leaving.
     */
    public enum Mode {
        UPSERT,
        UPDATE,
        MIRROR;

        /** The connector capability this mode needs. */
        public Capabilities.WriteMode capability() {
            return Capabilities.WriteMode.valueOf(name());
        }
    }

    /**
     * @param attribute warehouse attribute whose value identifies the learner at the destination (the learner key,
     *                  an e-mail column…)
     * @param field     the destination's name for that identity (e.g. {@code email}, {@code external_id})
     * @param kind      what the identity is, checked against the destination connector's declared identity kinds;
     *                  {@code any_string} (the default) for destinations that take any key
     */
    public record Identity(String attribute, String field, IdentityKind kind) {
        public Identity {
            Objects.requireNonNull(attribute, "attribute");
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(kind, "kind");
        }

        /** An identity of kind {@code any_string}. */
        public Identity(String attribute, String field) {
            this(attribute, field, IdentityKind.ANY_STRING);
        }
    }

    /** Where the membership goes, as batches carry it to the connector; empty without membership. */
    public Optional<MembershipTarget> membershipTarget() {
        return membership.map(m -> new MembershipTarget(m.style().capability(), m.field(), m.value()));
    }

    /** One catalog attribute sent as one destination field, optionally formatted. */
    public record FieldMapping(String source, String target, Format format) {
        public FieldMapping {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(format, "format");
        }
    }

    /** How a value is written: as read, or converted (dates for CRMs that want strings or epoch milliseconds). */
    public enum Format {
        /** JSON number, string, boolean or array as read; dates and timestamps as ISO-8601. */
        AUTO,
        /** {@code yyyy-MM-dd} in {@code masync.time-zone}. */
        DATE,
        /** ISO-8601 instant ({@code 2026-11-02T09:00:00Z}). */
        DATETIME,
        /** Milliseconds since the epoch (dates: midnight UTC, as HubSpot date properties expect). */
        EPOCH_MILLIS,
        /** The value's text. */
        STRING
    }

    /**
     * How membership shows at the destination: a {@code boolean} field (true while a member, false after leaving
     * in mirror mode), a {@code value} field (set to {@code value} while a member, cleared after leaving) or a
     * {@code list} (the record is added to the list and removed when leaving). A list may name the item a member
     * carries ({@code value}) for connectors that keep membership in an array attribute (Braze: {@code field} is the
     * array, {@code value} the item; the sync's key when not given); list connectors ignore it.
     */
    public record Membership(Style style, String field, String value) {
        public enum Style {
            BOOLEAN,
            VALUE,
            LIST;

            /** The connector capability this style needs. */
            public Capabilities.MembershipStyle capability() {
                return Capabilities.MembershipStyle.valueOf(name());
            }
        }

        public Membership {
            Objects.requireNonNull(style, "style");
            Objects.requireNonNull(field, "field");
        }
    }

    /** When scheduled runs happen: a fixed interval or a cron expression in {@code masync.time-zone}. */
    public record Schedule(Optional<Duration> every, Optional<String> cron) {
        public Schedule {
            Objects.requireNonNull(every, "every");
            Objects.requireNonNull(cron, "cron");
            if (every.isPresent() == cron.isPresent()) {
                throw new IllegalArgumentException("a schedule has either every or cron");
            }
        }
    }

    /**
     * Stops a run before anything is sent when it would remove more than {@code maxLeavePercent} or change more
     * than {@code maxChangePercent} of the previous members; not applied below {@code minPreviousMembers}.
     */
    public record Guard(double maxLeavePercent, double maxChangePercent, long minPreviousMembers) {
        public static final Guard DEFAULT = new Guard(20, 50, 100);
    }

    /**
     * A scheduled run is skipped as stale when the maximum of {@code attribute} (a date or timestamp of the learners
     * table) has not advanced since the last successful run, or is older than {@code maxAge}.
     */
    public record Freshness(String attribute, Optional<Duration> maxAge) {
        public Freshness {
            Objects.requireNonNull(attribute, "attribute");
            Objects.requireNonNull(maxAge, "maxAge");
        }
    }
}
