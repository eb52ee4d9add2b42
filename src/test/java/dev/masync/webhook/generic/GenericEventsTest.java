package dev.masync.webhook.generic;

import dev.masync.webhook.Delivery;
import dev.masync.webhook.InboundEvent;
import dev.masync.webhook.InboundEvent.Kind;
import dev.masync.webhook.WebhookRefusal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenericEventsTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    static Delivery parse(String json) {
        return GenericEvents.parse("generic:crm", "msg_1", json.getBytes(StandardCharsets.UTF_8), NOW);
    }

    @Test
    void readsTheDocumentedShape() {
        InboundEvent e = parse("""
                {"type": "record.changed", "objectType": "Lead", "objectId": "5101",
                 "identities": {"email": "ada@example.com", "learner_id": 42},
                 "property": "plan_tier", "value": "pro", "occurredAt": "2026-12-01T09:59:00Z", "extra": true}""").events().get(0);

        assertThat(e.source()).isEqualTo("generic:crm");
        assertThat(e.account()).isEmpty();
        assertThat(e.dedupKey()).isEqualTo("msg_1");
        assertThat(e.kind()).isEqualTo(Kind.CHANGED);
        assertThat(e.objectType()).isEqualTo("Lead");
        assertThat(e.objectId()).contains("5101");
        assertThat(e.identities()).containsEntry("email", "ada@example.com").containsEntry("learner_id", "42");
        assertThat(e.property()).contains("plan_tier");
        assertThat(e.value()).contains("pro");
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2026-12-01T09:59:00Z"));
    }

    @Test
    void defaultsAndArrays() {
        Delivery d = parse("""
                [{"type": "record.created", "identities": {"email": "a@example.com"}},
                 {"type": "record.merged", "objectId": 9, "mergedIds": ["7", 8]},
                 {"type": "record.deleted", "objectId": "3"},
                 {"type": "invoice.paid", "objectId": "3"}]""");

        assertThat(d.events()).extracting(InboundEvent::kind).containsExactly(Kind.CREATED, Kind.MERGED, Kind.DELETED);
        assertThat(d.events()).extracting(InboundEvent::dedupKey).containsExactly("msg_1#0", "msg_1#1", "msg_1#2");
        assertThat(d.events().get(0).objectType()).isEqualTo("contact");
        assertThat(d.events().get(0).objectId()).isEmpty();
        assertThat(d.events().get(0).occurredAt()).isEqualTo(NOW);
        assertThat(d.events().get(1).identities()).containsEntry("mergedIds", "7,8");
        assertThat(d.ignored()).isEqualTo(1);
    }

    @Test
    void refusesWhatIsNotTheShape() {
        assertRefused("{", "malformed_json");
        assertRefused("\"record.changed\"", "invalid_payload");
        assertRefused("{\"objectId\": \"1\"}", "invalid_payload");
        assertRefused("{\"type\": \"record.changed\"}", "invalid_payload");
        assertRefused("{\"type\": \"record.changed\", \"objectId\": {\"a\": 1}}", "invalid_payload");
        assertRefused("{\"type\": \"record.changed\", \"identities\": {\"email\": [1]}}", "invalid_payload");
        assertRefused(
                "{\"type\": \"record.changed\", \"objectId\": \"1\", \"occurredAt\": \"yesterday\"}",
                "invalid_payload");
        assertRefused("{\"type\": \"record.merged\", \"identities\": {\"email\": \"a@b.c\"}}", "invalid_payload");
        assertRefused(
                "{\"type\": \"record.changed\", \"type\": \"record.deleted\", \"objectId\": \"1\"}", "malformed_json");
    }

    static void assertRefused(String body, String code) {
        assertThatThrownBy(() -> parse(body)).as(body).isInstanceOfSatisfying(WebhookRefusal.class, r -> {
            assertThat(r.code()).isEqualTo(code);
            assertThat(r.status()).isEqualTo(400);
        });
    }
}
