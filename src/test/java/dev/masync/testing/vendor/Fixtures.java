package dev.masync.testing.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recorded request and response examples under {@code connectors/<vendor>/fixtures/}. A response is compared as
 * JSON (key order aside) after the per-request ids ({@code correlationId}, {@code requestId}, and any the vendor's
 * tests add, e.g. a minted token) are masked; {@code -Dfixtures.update=true} rewrites a response fixture from the
 * fake's answer (review the diff).
 *
 * <p>A response whose status and headers matter has a {@code <name>.head} beside it: {@code HTTP <status>} on the first
 * line, then {@code name: value} lines (names compared without case). Connector tests serve the same files from a
 * plain HTTP server, so fake and connector are held to one recorded shape.
 */
public final class Fixtures {
    private static final Set<String> MASKED = Set.of("correlationId", "requestId");
    private final Path dir;
    private final Set<String> masked;

    /** The status and headers recorded for a response. */
    public record Head(int status, Map<String, String> headers) {
        public Head {
            headers = Map.copyOf(headers);
        }
    }

    public Fixtures(String vendor, String... alsoMasked) {
        this.dir = Path.of("connectors", vendor, "fixtures");
        this.masked = new HashSet<>(MASKED);
        this.masked.addAll(Set.of(alsoMasked));
    }

    public String text(String name) {
        try {
            return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture parsed as JSON. */
    public JsonNode json(String name) {
        try {
            return FakeExchange.JSON.readTree(text(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status and headers recorded in {@code <name>.head}. */
    public Head head(String name) {
        String[] lines = text(name).strip().split("\\R");
        if (!lines[0].startsWith("HTTP ")) throw new IllegalStateException(name + " must start with 'HTTP <status>'");
        int status = Integer.parseInt(lines[0].substring(5).strip());
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        return new Head(status, headers);
    }

    /** Asserts an answer's status and the recorded headers (by lower-case name) equal {@code <name>.head}. */
    public void assertHead(String name, int status, Function<String, String> header) {
        Head want = head(name);
        assertThat(status).as("status vs %s", name).isEqualTo(want.status());
        want.headers()
                .forEach((h, v) -> assertThat(header.apply(h))
                        .as("header %s vs %s", h, name)
                        .isEqualTo(v));
    }

    /** Asserts the JSON answer equals the fixture (masked ids aside). */
    public void assertJson(String name, String actual) {
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
    public void assertText(String name, String actual) {
        try {
            Path file = dir.resolve(name);
            if (Boolean.getBoolean("fixtures.update")) Files.writeString(file, actual);
            assertThat(actual).as("answer vs %s", file).isEqualTo(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode mask(JsonNode n) {
        if (n instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (masked.contains(e.getKey()) && e.getValue().isTextual()) e.setValue(o.textNode("*"));
                else mask(e.getValue());
            }
        } else if (n instanceof ArrayNode a) {
            a.forEach(this::mask);
        }
        return n;
    }
}
