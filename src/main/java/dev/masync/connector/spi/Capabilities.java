package dev.masync.connector.spi;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a connector can do, declared by the connector so that the application checks a sync against it when the sync
 * is saved (instead of hard-coding what destinations support). A sync that asks for anything not declared here is
 * refused with what the connector does support.
 *
 * @param identityKinds    how records can be identified at the destination; {@link IdentityKind#ANY_STRING} accepts
 *                         every kind
 * @param modes            which sync modes the connector carries out
 * @param membershipStyles how segment membership can show at the destination
 */
public record Capabilities(
        Set<IdentityKind> identityKinds, Set<WriteMode> modes, Set<MembershipStyle> membershipStyles) {

    /** How a destination identifies a record ({@link RecordChange#destinationKey()} holds the value). */
    public enum IdentityKind {
        /** An e-mail address (HubSpot contacts by {@code email}). */
        EMAIL,
        /** A unique field of the customer's choosing (a Salesforce external id, a HubSpot unique property). */
        EXTERNAL_ID,
        /** The destination's own record id (e.g. a HubSpot object id, a Salesforce 18-character id). */
        RECORD_ID,
        /** Any string the destination stores as given (files, webhooks). */
        ANY_STRING
    }

    /** Which changes a sync may send; see the sync's {@code mode}. */
    public enum WriteMode {
        /** Create or update members; leavers stay. */
        UPSERT,
        /** Update members that already exist at the destination; never create. */
        UPDATE,
        /** Like upsert, and leavers are removed ({@link RecordChange.Kind#REMOVE}). */
        MIRROR
    }

    /** How membership shows at the destination; {@link Batch#membership()} carries the target. */
    public enum MembershipStyle {
        /** A boolean field, true while a member (a HubSpot property, a Salesforce checkbox). */
        BOOLEAN,
        /** A field set to a given value while a member and cleared after leaving. */
        VALUE,
        /** A list (HubSpot list, Salesforce campaign) the record is added to and removed from. */
        LIST
    }

    public Capabilities {
        identityKinds = immutable(identityKinds, "identityKinds");
        modes = immutable(modes, "modes");
        membershipStyles = immutable(membershipStyles, "membershipStyles");
        if (identityKinds.isEmpty()) throw new IllegalArgumentException("a connector identifies records somehow");
        if (modes.isEmpty()) throw new IllegalArgumentException("a connector supports at least one mode");
    }

    /**
     * What the engine assumed of every connector before connectors declared capabilities: any string identity,
     * every mode, membership as a boolean or value field.
     */
    public static final Capabilities FIELDS_BY_ANY_KEY = new Capabilities(
            Set.of(IdentityKind.ANY_STRING),
            EnumSet.allOf(WriteMode.class),
            Set.of(MembershipStyle.BOOLEAN, MembershipStyle.VALUE));

    /** Whether records can be identified by {@code kind}. */
    public boolean identifiesBy(IdentityKind kind) {
        return identityKinds.contains(IdentityKind.ANY_STRING) || identityKinds.contains(kind);
    }

    public boolean supports(WriteMode mode) {
        return modes.contains(mode);
    }

    public boolean supports(MembershipStyle style) {
        return membershipStyles.contains(style);
    }

    /** The lower-case names of {@code values}, sorted, comma separated: {@code "boolean, value"}. */
    public static String names(Set<? extends Enum<?>> values) {
        return values.stream()
                .map(v -> v.name().toLowerCase(Locale.ROOT))
                .sorted()
                .collect(Collectors.joining(", "));
    }

    private static <E extends Enum<E>> Set<E> immutable(Set<E> values, String name) {
        Objects.requireNonNull(values, name);
        values.forEach(v -> Objects.requireNonNull(v, name + " element"));
        return values.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(values));
    }

    /** Lower-case name of an enum constant as users write it ({@code external_id}). */
    public static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
