package dev.masync.connector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What differs between the vendors: the fake's flags, the destination and the sync definitions. */
interface Vendor {
    ObjectMapper JSON = new ObjectMapper();

    String name();

    /** Records per request. */
    int cap();

    /** Calls per window the account allows (the configured rate), and the window. */
    int windowCalls();

    Duration window();

    default double ceiling() {
        return cap() * (double) windowCalls() / (window().toMillis() / 1000.0);
    }

    List<String> fakeFlags(Mode mode, long records);

    /** A destination on {@code account} at {@code url}. */
    String destination(String key, String account, String url, Mode mode);

    String sync(String key, String segment, String destination);

    /** What the fake holds of the pushed records. */
    long held(JsonNode stats);

    /** Whether the vendor bills per data point (Braze): the runs' data points sent and saved are reported. */
    default boolean billsDataPoints() {
        return false;
    }

    /** The environment the daemon needs for this vendor's secret references. */
    Map<String, String> secrets();

    enum Mode {
        /** The vendor's real limits. */
        REAL,
        /** The real limits; throttle answers carry a Retry-After where the vendor sends one. */
        FAULTS,
        /** No window at the fake, the destination's limit lifted. */
        UNTHROTTLED,
        /** Salesforce: the full push goes through a Bulk API 2.0 job. */
        BULK
    }

    /** A mirror sync's common part. */
    static ObjectNode syncBase(String key, String segment, String destination) {
        ObjectNode s = JSON.createObjectNode();
        s.put("key", key);
        s.put("name", "Benchmark " + key);
        s.put("segment", segment);
        s.put("destination", destination);
        s.put("mode", "mirror");
        return s;
    }
}
