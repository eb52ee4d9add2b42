package dev.masync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/** A definition written back as the JSON users send (REST responses, stored form). */
public final class SyncJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private SyncJson() {}

    public static ObjectNode write(SyncDefinition d) {
        ObjectNode o = JSON.createObjectNode();
        o.put("key", d.key());
        o.put("name", d.name());
        o.put("segment", d.segment());
        o.put("destination", d.destination());
        ObjectNode identity = o.putObject("identity")
                .put("attribute", d.identity().attribute())
                .put("field", d.identity().field());
        if (d.identity().kind() != dev.masync.connector.spi.Capabilities.IdentityKind.ANY_STRING) {
            identity.put("kind", d.identity().kind().name().toLowerCase(Locale.ROOT));
        }
        ArrayNode mapping = o.putArray("mapping");
        for (SyncDefinition.FieldMapping m : d.mapping()) {
            mapping.addObject()
                    .put("source", m.source())
                    .put("target", m.target())
                    .put("format", m.format().name().toLowerCase(Locale.ROOT));
        }
        d.membership().ifPresent(m -> {
            ObjectNode n = o.putObject("membership")
                    .put("style", m.style().name().toLowerCase(Locale.ROOT))
                    .put("field", m.field());
            if (m.value() != null) {
                n.put("value", m.value());
            }
        });
        o.put("mode", d.mode().name().toLowerCase(Locale.ROOT));
        d.schedule().ifPresent(s -> {
            ObjectNode n = o.putObject("schedule");
            s.every().ifPresent(e -> n.put("every", e.toString()));
            s.cron().ifPresent(c -> n.put("cron", c));
        });
        o.put("paused", d.paused());
        o.putObject("guard")
                .put("maxLeavePercent", d.guard().maxLeavePercent())
                .put("maxChangePercent", d.guard().maxChangePercent())
                .put("minPreviousMembers", d.guard().minPreviousMembers());
        d.freshness().ifPresent(f -> {
            ObjectNode n = o.putObject("freshness").put("attribute", f.attribute());
            f.maxAge().ifPresent(a -> n.put("maxAge", a.toString()));
        });
        d.maxBytesBilled().ifPresent(b -> o.put("maxBytesBilled", b));
        return o;
    }

    public static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored sync definition is not JSON", e);
        }
    }
}
