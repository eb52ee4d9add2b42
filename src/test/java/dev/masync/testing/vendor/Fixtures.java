package dev.masync.testing.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recorded request and response examples under {@code connectors/<vendor>/fixtures/}. A response is compared as
 * JSON (key order aside) after the per-request ids ({@code correlationId}, {@code requestId}) are masked;
 * {@code -Dfixtures.update=true} rewrites a response fixture from the fake's answer (review the diff).
 */
final class Fixtures {
    private static final Set<String> MASKED = Set.of("correlationId", "requestId");
    private final Path dir;

    Fixtures(String vendor) {
        this.dir = Path.of("connectors", vendor, "fixtures");
    }

    String text(String name) {
        try {
            return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts the JSON answer equals the fixture (masked ids aside). */
    void assertJson(String name, String actual) {
        try {
            JsonNode got = mask(FakeExchange.JSON.readTree(actual));
            Path file = dir.resolve(name);
            if (Boolean.getBoolean("fixtures.update")) {
                Files.writeString(
                        file, FakeExchange.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(got) + "\n");
            }
            JsonNode want = mask(FakeExchange.JSON.readTree(Files.readString(file)));
            assertThat(got).as("answer vs %s", file).isEqualTo(want);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts a text answer (CSV) equals the fixture byte for byte. */
    void assertText(String name, String actual) {
        try {
            Path file = dir.resolve(name);
            if (Boolean.getBoolean("fixtures.update")) Files.writeString(file, actual);
            assertThat(actual).as("answer vs %s", file).isEqualTo(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode mask(JsonNode n) {
        if (n instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (MASKED.contains(e.getKey()) && e.getValue().isTextual()) e.setValue(o.textNode("*"));
                else mask(e.getValue());
            }
        } else if (n instanceof ArrayNode a) {
            a.forEach(Fixtures::mask);
        }
        return n;
    }
}
