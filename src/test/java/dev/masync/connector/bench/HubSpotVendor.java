package dev.masync.connector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** HubSpot contacts keyed by e-mail: 100 inputs a call, 190 calls per 10 s (ceiling 1,900 records/s). */
final class HubSpotVendor implements Vendor {
    static final String TOKEN = "bench-hubspot-private-app-token";
    /** The daemon's environment variable the destination's token refers to. */
    static final String TOKEN_ENV = "MASYNC_SECRET_BENCH_HUBSPOT_TOKEN";

    static final String MEMBERSHIP = "in_bench_segment";

    static final List<String[]> HUBSPOT_MAPPING = List.of(
            new String[] {"grade", "grade", "auto", "string"},
            new String[] {"plan", "plan", "auto", "string"},
            new String[] {"plan_status", "plan_status", "auto", "string"},
            new String[] {"streak_days", "streak_days", "auto", "number"},
            new String[] {"favorite_subject", "favorite_subject", "auto", "string"},
            new String[] {"last_active_at", "last_active_at", "datetime", "datetime"});

    private final VendorOptions options;

    HubSpotVendor(VendorOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "hubspot";
    }

    @Override
    public int cap() {
        return 100;
    }

    @Override
    public int windowCalls() {
        return 190;
    }

    @Override
    public Duration window() {
        return Duration.ofSeconds(10);
    }

    @Override
    public List<String> fakeFlags(Mode mode, long records) {
        List<String> f = new ArrayList<>(List.of("--vendor", "hubspot", "--token", TOKEN, "--max-batch", "100"));
        if (mode == Mode.UNTHROTTLED) {
            f.addAll(List.of("--burst", "1000000/PT1S", "--daily", "1000000000"));
        } else {
            // a Professional account: 190 per 10 s, 650,000 a day
            f.addAll(List.of("--burst", "190/PT10S", "--daily", "650000"));
        }
        if (mode == Mode.FAULTS) f.addAll(List.of("--retry-after", Integer.toString(options.retryAfter())));
        for (String[] m : HUBSPOT_MAPPING) f.addAll(List.of("--property", m[1] + ":" + m[3]));
        f.addAll(List.of("--property", MEMBERSHIP + ":bool"));
        return f;
    }

    @Override
    public String destination(String key, String account, String url, Mode mode) {
        ObjectNode d = JSON.createObjectNode();
        d.put("key", key);
        d.put("name", "Benchmark HubSpot " + key);
        d.put("type", "hubspot");
        ObjectNode s = d.putObject("settings");
        s.put("portalId", account);
        s.put("token", "env:" + TOKEN_ENV);
        s.put("baseUrl", url);
        options.engineBatch().ifPresent(n -> d.put("batchSize", n));
        if (mode == Mode.UNTHROTTLED) {
            s.put("callsPerDay", "1000000000");
            d.putObject("rateLimit").put("requests", 100_000).put("per", "PT1S");
        } else {
            s.put("callsPerDay", "650000");
            d.putObject("rateLimit").put("requests", 190).put("per", "PT10S");
        }
        return d.toString();
    }

    @Override
    public String sync(String key, String segment, String destination) {
        ObjectNode s = Vendor.syncBase(key, segment, destination);
        s.putObject("identity").put("attribute", "email").put("field", "email").put("kind", "email");
        var m = s.putArray("mapping");
        for (String[] f : HUBSPOT_MAPPING)
            m.addObject().put("source", f[0]).put("target", f[1]).put("format", f[2]);
        s.putObject("membership").put("style", "boolean").put("field", MEMBERSHIP);
        return s.toString();
    }

    @Override
    public long held(JsonNode stats) {
        return stats.path("held").path("contacts").asLong();
    }

    @Override
    public Map<String, String> secrets() {
        return Map.of(TOKEN_ENV, TOKEN);
    }
}
