package dev.masync.connector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Marketo leads matched by a custom dedupe field ({@code learnerId}, the warehouse's own key, so a changed e-mail
 * address never forks a lead): 300 leads a call, 100 calls per 20 s, 10 at once, 50,000 a day, each call served in
 * {@code --marketo-latency} (default 300 ms): a ceiling of 1,500 records/s. Membership as a boolean lead field,
 * written with the lead in the same call (a static list would cost a second call per 300 leads and the list calls'
 * own share of the window; smart lists and campaigns filter on a boolean field just as well).
 */
final class MarketoVendor implements Vendor {
    static final String CLIENT_ID = "bench-marketo-client-id";
    static final String CLIENT_SECRET = "bench-marketo-client-secret";
    static final String LOOKUP = "learnerId";
    static final String MEMBERSHIP = "inBenchSegment";

    /** source, lead field, format, the field's Marketo type. */
    static final List<String[]> MAPPING = List.of(
            new String[] {"email", "email", "auto", null},
            new String[] {"grade", "grade", "auto", "string"},
            new String[] {"plan", "plan", "auto", "string"},
            new String[] {"plan_status", "planStatus", "auto", "string"},
            new String[] {"streak_days", "streakDays", "auto", "integer"},
            new String[] {"favorite_subject", "favoriteSubject", "auto", "string"},
            new String[] {"last_active_at", "lastActiveAt", "datetime", "datetime"});

    private final VendorOptions options;

    MarketoVendor(VendorOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "marketo";
    }

    @Override
    public int cap() {
        return 300;
    }

    @Override
    public int windowCalls() {
        return 100;
    }

    @Override
    public Duration window() {
        return Duration.ofSeconds(20);
    }

    @Override
    public List<String> fakeFlags(Mode mode, long records) {
        List<String> f = new ArrayList<>(List.of(
                "--vendor",
                "marketo",
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                CLIENT_SECRET,
                "--max-batch",
                "300",
                "--max-concurrent",
                "10",
                "--lookup-field",
                LOOKUP));
        if (mode == Mode.UNTHROTTLED) {
            f.addAll(List.of("--rate", "1000000/PT1S", "--daily", "1000000000", "--latency", "PT0S"));
        } else {
            f.addAll(List.of(
                    "--rate",
                    "100/PT20S",
                    "--daily",
                    "50000",
                    "--latency",
                    options.marketoLatency().toString()));
        }
        for (String[] m : MAPPING) {
            if (m[3] != null) f.addAll(List.of("--field", m[1] + ":" + m[3]));
        }
        f.addAll(List.of("--field", MEMBERSHIP + ":boolean"));
        return f;
    }

    @Override
    public String destination(String key, String account, String url, Mode mode) {
        ObjectNode d = JSON.createObjectNode();
        d.put("key", key);
        d.put("name", "Benchmark Marketo " + key);
        d.put("type", "marketo");
        ObjectNode s = d.putObject("settings");
        // the account is the instance URL: one fake per scenario
        s.put("baseUrl", url);
        s.put("clientId", "env:MASYNC_SECRET_BENCH_MKTO_CLIENT_ID");
        s.put("clientSecret", "env:MASYNC_SECRET_BENCH_MKTO_CLIENT_SECRET");
        s.put("lookupField", LOOKUP);
        options.engineBatch().ifPresent(n -> d.put("batchSize", n));
        if (mode == Mode.UNTHROTTLED) {
            s.put("callsPerDay", "1000000000");
            d.putObject("rateLimit").put("requests", 100_000).put("per", "PT1S");
        } else {
            s.put("callsPerDay", "50000");
            d.putObject("rateLimit").put("requests", 100).put("per", "PT20S");
        }
        return d.toString();
    }

    @Override
    public String sync(String key, String segment, String destination) {
        ObjectNode s = Vendor.syncBase(key, segment, destination);
        s.putObject("identity")
                .put("attribute", "learner_id")
                .put("field", LOOKUP)
                .put("kind", "external_id");
        var m = s.putArray("mapping");
        for (String[] f : MAPPING)
            m.addObject().put("source", f[0]).put("target", f[1]).put("format", f[2]);
        s.putObject("membership").put("style", "boolean").put("field", MEMBERSHIP);
        return s.toString();
    }

    @Override
    public long held(JsonNode stats) {
        return stats.path("held").path("leads").asLong();
    }

    @Override
    public Map<String, String> secrets() {
        return Map.of(
                "MASYNC_SECRET_BENCH_MKTO_CLIENT_ID",
                CLIENT_ID,
                "MASYNC_SECRET_BENCH_MKTO_CLIENT_SECRET",
                CLIENT_SECRET);
    }
}
