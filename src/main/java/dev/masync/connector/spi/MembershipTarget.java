package dev.masync.connector.spi;

import java.util.Objects;

/**
 * Where a batch's membership goes: the style and the field or list it names (e.g. {@code LIST} and the HubSpot list
 * id, {@code BOOLEAN} and the checkbox field). The records' {@link RecordChange#fields()} already carry field-style
 * membership values; list-style membership exists only here, so a list connector adds upserted records to
 * {@code name} and removes {@link RecordChange.Kind#REMOVE removed} ones from it.
 *
 * @param value the value set while a member, for {@link Capabilities.MembershipStyle#VALUE}; for {@link
 *     Capabilities.MembershipStyle#LIST}, optionally the item a member carries when the connector keeps membership in
 *     an array attribute (Braze), else null; null for {@link Capabilities.MembershipStyle#BOOLEAN}
 */
public record MembershipTarget(Capabilities.MembershipStyle style, String name, String value) {
    public MembershipTarget {
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) throw new IllegalArgumentException("membership target name is blank");
    }
}
