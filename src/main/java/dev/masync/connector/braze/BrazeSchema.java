package dev.masync.connector.braze;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.connector.http.HttpExchange;
import dev.masync.connector.http.HttpReply;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.DestinationSchema.Field;
import dev.masync.connector.spi.DestinationSchema.FieldType;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.RetryableException;
import okhttp3.HttpUrl;
import okhttp3.Request;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workspace's custom attributes from {@code GET /custom_attributes} (50 a page, alphabetical, the next page named by
 * the {@code Link} header's {@code rel="next"}), plus the identifiers users are found by ({@code external_id},
 * {@code email}). Braze creates a custom attribute when a user first carries it, so the schema
 * {@linkplain DestinationSchema#createsFields() creates fields}: only listed attributes are checked (type, blocklist).
 */
final class BrazeSchema {
    static final String PATH = "custom_attributes";
    /** 200 pages of 50: far more attributes than a workspace keeps, and a bound on a Link header that loops. */
    static final int MAX_PAGES = 200;

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;[^,]*rel=\"?next\"?", Pattern.CASE_INSENSITIVE);

    private BrazeSchema() {}

    static DestinationSchema read(HttpExchange http, HttpUrl first) {
        Map<String, Field> fields = new LinkedHashMap<>();
        fields.put("external_id", identifier("external_id"));
        fields.put("email", identifier("email"));
        HttpUrl url = first;
        for (int page = 0; url != null; page++) {
            if (page == MAX_PAGES) {
                throw new RetryableException("malformed_response: Braze's /custom_attributes still names a next page"
                        + " after " + MAX_PAGES + " pages; the attributes are not checked this time");
            }
            HttpReply reply = http.execute(new Request.Builder().url(url).get().build());
            JsonNode tree = BrazeSignals.tree(reply.body());
            if (tree == null
                    || !"success".equals(tree.path("message").asText())
                    || !tree.path("attributes").isArray()) {
                throw new RetryableException("malformed_response: Braze answered HTTP " + reply.status() + " to"
                        + " /custom_attributes without message \"success\" and an attributes list");
            }
            for (JsonNode a : tree.path("attributes")) {
                String name = a.path("name").asText("");
                if (!name.isEmpty() && !fields.containsKey(name)) fields.put(name, field(name, a));
            }
            url = next(reply.header("Link"), first);
        }
        return new DestinationSchema(fields, true);
    }

    private static Field identifier(String name) {
        return new Field(name, FieldType.STRING, true, true, OptionalInt.empty(), List.of());
    }

    /** {@code data_type} and {@code status} as the export names them; a blocklisted attribute collects no data. */
    static Field field(String name, JsonNode a) {
        String status = a.path("status").asText("").toLowerCase(Locale.ROOT);
        boolean writable = !status.contains("block") && !status.contains("delet");
        return new Field(name, type(a.path("data_type").asText("")), writable, false, OptionalInt.empty(), List.of());
    }

    static FieldType type(String dataType) {
        return switch (dataType.toLowerCase(Locale.ROOT)) {
            case "string" -> FieldType.STRING;
            case "number", "integer", "float" -> FieldType.NUMBER;
            case "boolean" -> FieldType.BOOLEAN;
            case "date", "time" -> FieldType.DATETIME;
            default -> FieldType.OTHER; // arrays, objects, arrays of objects, and names not documented
        };
    }

    /** The {@code rel="next"} URL, only on the same scheme, host and port (the API key goes with it); else null. */
    static HttpUrl next(String link, HttpUrl first) {
        if (link == null) return null;
        Matcher m = NEXT.matcher(link);
        if (!m.find()) return null;
        HttpUrl next = first.resolve(m.group(1).strip());
        if (next == null
                || !next.scheme().equals(first.scheme())
                || !next.host().equals(first.host())
                || next.port() != first.port()) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "Braze's /custom_attributes named a next page on another host; the API key is not sent there."
                            + " Check that restEndpoint is the workspace's Braze REST endpoint");
        }
        return next;
    }
}
