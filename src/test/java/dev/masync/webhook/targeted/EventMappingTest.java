package dev.masync.webhook.targeted;

import dev.masync.destination.DestinationDefinition;
import dev.masync.sync.SyncDefinition;
import dev.masync.webhook.InboundEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class EventMappingTest {

    static InboundEvent event(
            String source,
            String account,
            InboundEvent.Kind kind,
            String objectType,
            String objectId,
            Map<String, String> identities,
            String property,
            String value) {
        return new InboundEvent(
                source,
                Optional.ofNullable(account),
                source + "-" + objectId + "-" + property + "-" + value,
                kind,
                objectType,
                Optional.ofNullable(objectId),
                identities,
                Optional.ofNullable(property),
                Optional.ofNullable(value),
                Instant.parse("2026-12-01T00:00:00Z"),
                "{}");
    }

    static DestinationDefinition destination(String type, Map<String, String> settings) {
        return new DestinationDefinition(
                "d", "d", type, settings, Optional.empty(), Optional.empty(), DestinationDefinition.SOURCE_API);
    }

    static SyncDefinition sync(String identityField) {
        return new SyncDefinition(
                "s",
                "s",
                "seg",
                "d",
                new SyncDefinition.Identity("email", identityField),
                List.of(
                        new SyncDefinition.FieldMapping("plan", "plan_tier", SyncDefinition.Format.AUTO),
                        new SyncDefinition.FieldMapping("streak_days", "streak", SyncDefinition.Format.AUTO)),
                Optional.empty(),
                SyncDefinition.Mode.MIRROR,
                Optional.empty(),
                false,
                SyncDefinition.Guard.DEFAULT,
                Optional.empty(),
                OptionalLong.empty());
    }

    @Test
    void aHubSpotEventConcernsTheHubSpotDestinationsOfItsPortalOnlyAndOnlyForContacts() {
        DestinationDefinition portal = destination("hubspot", Map.of("portalId", "4711"));
        DestinationDefinition other = destination("hubspot", Map.of("portalId", "4712"));
        InboundEvent contact =
                event("hubspot", "4711", InboundEvent.Kind.CHANGED, "contact", "1", Map.of(), null, null);
        assertThat(EventMapping.concerns(portal, contact)).isTrue();
        assertThat(EventMapping.concerns(other, contact)).isFalse();
        assertThat(EventMapping.concerns(destination("salesforce", Map.of()), contact))
                .isFalse();
        InboundEvent company =
                event("hubspot", "4711", InboundEvent.Kind.CHANGED, "company", "1", Map.of(), null, null);
        assertThat(EventMapping.concerns(portal, company)).isFalse();
        InboundEvent noAccount =
                event("hubspot", null, InboundEvent.Kind.CHANGED, "contact", "1", Map.of(), null, null);
        assertThat(EventMapping.concerns(other, noAccount))
                .as("unknown account: every portal")
                .isTrue();
    }

    @Test
    void salesforceEventsConcernDestinationsWritingTheirObjectAndGenericOnesTheirType() {
        InboundEvent lead = event("salesforce", "00D", InboundEvent.Kind.CHANGED, "Lead", "00Q1", Map.of(), null, null);
        assertThat(EventMapping.concerns(destination("salesforce", Map.of("object", "Lead")), lead))
                .isTrue();
        assertThat(EventMapping.concerns(destination("salesforce", Map.of()), lead))
                .as("default Contact")
                .isFalse();
        InboundEvent braze = event("generic:braze", null, InboundEvent.Kind.CHANGED, "user", "u", Map.of(), null, null);
        assertThat(EventMapping.concerns(destination("braze", Map.of()), braze)).isTrue();
        assertThat(EventMapping.concerns(destination("hubspot", Map.of("portalId", "1")), braze))
                .isFalse();
    }

    @Test
    void anEventNamesItsRecordByTheSyncsIdentityFieldAndByItsRecordId() {
        InboundEvent e = event(
                "hubspot",
                "4711",
                InboundEvent.Kind.CHANGED,
                "contact",
                "5101",
                Map.of("Email", " ada@example.com ", "external_id", "L7"),
                null,
                null);
        assertThat(EventMapping.keys(sync("email"), e)).containsExactly("ada@example.com", "5101");
        assertThat(EventMapping.keys(sync("external_id"), e)).containsExactly("L7", "5101");
        assertThat(EventMapping.keys(sync("phone"), e)).containsExactly("5101");
    }

    @Test
    void aMergeNamesTheMergedAwayRecordsApart() {
        InboundEvent merge = event(
                "hubspot", "4711", InboundEvent.Kind.MERGED, "contact", "1", Map.of("mergedIds", "2, 3;4"), null, null);
        assertThat(EventMapping.mergedAway(merge)).containsExactly("2", "3", "4");
        assertThat(EventMapping.keys(sync("email"), merge)).containsExactly("1");
        InboundEvent change = event(
                "hubspot", "4711", InboundEvent.Kind.CHANGED, "contact", "1", Map.of("mergedIds", "2"), null, null);
        assertThat(EventMapping.mergedAway(change)).isEmpty();
    }

    @Test
    void onlyAChangeOfAMappedTargetFieldCanBeAnEcho() {
        SyncDefinition s = sync("email");
        assertThat(EventMapping.mappedField(
                        s, event("hubspot", "1", InboundEvent.Kind.CHANGED, "contact", "1", Map.of(), "Streak", "5")))
                .contains("streak");
        assertThat(EventMapping.mappedField(
                        s, event("hubspot", "1", InboundEvent.Kind.CHANGED, "contact", "1", Map.of(), "phone", "5")))
                .isEmpty();
        assertThat(EventMapping.mappedField(
                        s, event("hubspot", "1", InboundEvent.Kind.CREATED, "contact", "1", Map.of(), "streak", "5")))
                .isEmpty();
    }

    @Test
    void aReportedValueIsTheOneSentWhenItMeansTheSame() {
        assertThat(EventMapping.sameValue(Optional.of(105L), Optional.of("105")))
                .isTrue();
        assertThat(EventMapping.sameValue(Optional.of(105L), Optional.of("105.0")))
                .isTrue();
        assertThat(EventMapping.sameValue(Optional.of(105L), Optional.of("106")))
                .isFalse();
        assertThat(EventMapping.sameValue(Optional.of(105L), Optional.of("lots")))
                .isFalse();
        assertThat(EventMapping.sameValue(Optional.of(true), Optional.of("TRUE")))
                .isTrue();
        assertThat(EventMapping.sameValue(Optional.of("pro"), Optional.of("pro")))
                .isTrue();
        assertThat(EventMapping.sameValue(Optional.of("pro"), Optional.of("Pro")))
                .isFalse();
        assertThat(EventMapping.sameValue(Optional.empty(), Optional.of(""))).isTrue();
        assertThat(EventMapping.sameValue(Optional.empty(), Optional.empty())).isTrue();
        assertThat(EventMapping.sameValue(Optional.empty(), Optional.of("x"))).isFalse();
        assertThat(EventMapping.sameValue(Optional.of(List.of("a", "b")), Optional.of("a;b")))
                .isTrue();
    }
}
