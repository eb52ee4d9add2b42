package dev.masync.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;

import java.io.UncheckedIOException;

/** Turns before/after values into the JSON text the audit log stores, leaving out {@link Secret} properties. */
final class AuditJson {
    static final int MAX_CHARS = 1_000_000;

    private final ObjectMapper mapper;

    AuditJson(ObjectMapper base) {
        this.mapper = base.copy()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                    @Override
                    public boolean hasIgnoreMarker(AnnotatedMember m) {
                        return m.hasAnnotation(Secret.class) || super.hasIgnoreMarker(m);
                    }
                });
    }

    /** JSON text of {@code value}; null stays null. Oversized values are replaced by a marker saying so. */
    String write(Object value) {
        if (value == null) {
            return null;
        }
        try {
            String json = mapper.writeValueAsString(value);
            if (json.length() > MAX_CHARS) {
                return mapper.writeValueAsString(new Truncated(true, json.length()));
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot serialise " + value.getClass().getName() + " for the audit log", e);
        }
    }

    JsonNode read(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Truncated(boolean truncated, int chars) {}
}
