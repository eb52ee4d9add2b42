package dev.masync.webhook.hubspot;

import dev.masync.webhook.Delivery;
import dev.masync.webhook.InboundEvent;
import dev.masync.webhook.InboundEvent.Kind;
import dev.masync.webhook.WebhookRefusal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubSpotEventsTest {

    static Delivery parse(String json) {
        return HubSpotEvents.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    static String event(String type, long eventId, String extra) {
        return "{\"eventId\":" + eventId + ",\"subscriptionId\":2402,\"portalId\":6200111,\"appId\":99001,"
                + "\"occurredAt\":1764583200123,\"subscriptionType\":\"" + type + "\",\"attemptNumber\":0,"
                + "\"objectId\":5101" + extra + "}";
    }

    @Test
    void mapsEachContactEventTypeToItsKind() {
        Delivery d = parse("["
                + String.join(
                        ",",
                        event("contact.creation", 1, ""),
                        event("contact.propertyChange", 2, ",\"propertyName\":\"plan_tier\",\"propertyValue\":\"pro\""),
                        event("contact.deletion", 3, ""),
                        event("contact.privacyDeletion", 4, ""),
                        event("contact.restore", 5, ""),
                        event("object.creation", 6, ",\"objectTypeId\":\"0-1\""),
                        event(
                                "object.propertyChange",
                                7,
                                ",\"objectTypeId\":\"0-1\",\"propertyName\":\"email\","
                                        + "\"propertyValue\":\"ada@example.com\""))
                + "]");

        assertThat(d.events())
                .extracting(InboundEvent::kind)
                .containsExactly(
                        Kind.CREATED,
                        Kind.CHANGED,
                        Kind.DELETED,
                        Kind.DELETED,
                        Kind.CREATED,
                        Kind.CREATED,
                        Kind.CHANGED);
        InboundEvent change = d.events().get(1);
        assertThat(change.source()).isEqualTo("hubspot");
        assertThat(change.account()).contains("6200111");
        assertThat(change.objectType()).isEqualTo("contact");
        assertThat(change.objectId()).contains("5101");
        assertThat(change.property()).contains("plan_tier");
        assertThat(change.value()).contains("pro");
        assertThat(change.occurredAt()).isEqualTo(Instant.ofEpochMilli(1764583200123L));
        assertThat(change.payload()).contains("\"eventId\":2");
        assertThat(d.events().get(6).identities()).containsEntry("email", "ada@example.com");
        assertThat(d.ignored()).isZero();
    }

    @Test
    void dedupKeysDifferWhenOnlyTheEventIdIsSharedAndRepeatForARetry() {
        String first = event("contact.creation", 1, "");
        String retry = first.replace("\"attemptNumber\":0", "\"attemptNumber\":3");
        String otherObjectSameEventId = first.replace("\"objectId\":5101", "\"objectId\":5102");
        String otherSubscription = first.replace("\"subscriptionId\":2402", "\"subscriptionId\":2403");
        String otherTime = first.replace("1764583200123", "1764583200124");
        Delivery d =
                parse("[" + String.join(",", first, retry, otherObjectSameEventId, otherSubscription, otherTime) + "]");

        assertThat(d.events().get(0).dedupKey()).isEqualTo(d.events().get(1).dedupKey());
        assertThat(d.events().stream().map(InboundEvent::dedupKey).distinct()).hasSize(4);
    }

    @Test
    void aMergeNamesTheSurvivorAndTheMergedIds() {
        Delivery d = parse("[" + event("contact.merge", 9, ",\"primaryObjectId\":5101,\"mergedObjectIds\":[5200,5201]")
                + ","
                + event(
                        "object.merge",
                        10,
                        ",\"objectTypeId\":\"0-1\",\"primaryObjectId\":5101,"
                                + "\"mergedObjectIds\":[5202],\"newObjectId\":7000")
                + "]");

        InboundEvent merge = d.events().get(0);
        assertThat(merge.kind()).isEqualTo(Kind.MERGED);
        assertThat(merge.objectId()).contains("5101");
        assertThat(merge.identities()).isEqualTo(Map.of("mergedIds", "5200,5201"));
        InboundEvent intoNew = d.events().get(1);
        assertThat(intoNew.objectId()).contains("7000");
        assertThat(intoNew.identities()).containsEntry("mergedIds", "5202,5101");
    }

    @Test
    void unknownTypesAndOtherObjectTypesAreIgnoredNotRefused() {
        Delivery d = parse("["
                + String.join(
                        ",",
                        event("deal.creation", 1, ""),
                        event("contact.associationChange", 2, ""),
                        "{\"subscriptionType\":\"company.somethingNew\"}",
                        event("object.creation", 3, ",\"objectTypeId\":\"0-3\""),
                        event("contact.creation", 4, ""))
                + "]");

        assertThat(d.ignored()).isEqualTo(4);
        assertThat(d.events()).hasSize(1);
        assertThat(d.events().get(0).objectId()).isEqualTo(Optional.of("5101"));
    }

    @Test
    void refusesWhatIsNotHubSpotsShape() {
        assertRefused("{\"eventId\":1", "malformed_json");
        assertRefused("", "malformed_json");
        assertRefused("{\"eventId\":1}", "invalid_payload");
        assertRefused("[1]", "invalid_payload");
        assertRefused("[{\"eventId\":1}]", "invalid_payload");
        assertRefused(
                "[" + event("contact.creation", 1, "").replace("\"objectId\":5101", "\"objectId\":null") + "]",
                "invalid_payload");
        assertRefused(
                "["
                        + event("contact.creation", 1, "")
                                .replace("\"occurredAt\":1764583200123", "\"occurredAt\":\"soon\"")
                        + "]",
                "invalid_payload");
        assertRefused("[" + event("contact.propertyChange", 1, "") + "]", "invalid_payload");
        assertRefused(
                "[" + event("contact.creation", 1, "") + ","
                        + event("contact.creation", 1, "").replace("{", "{\"eventId\":2,") + "]",
                "malformed_json");
    }

    @Test
    void anEmptyArrayIsNoEvents() {
        assertThat(parse("[]").events()).isEmpty();
    }

    static void assertRefused(String body, String code) {
        assertThatThrownBy(() -> parse(body)).as(body).isInstanceOfSatisfying(WebhookRefusal.class, r -> {
            assertThat(r.code()).isEqualTo(code);
            assertThat(r.status()).isEqualTo(400);
        });
    }
}
