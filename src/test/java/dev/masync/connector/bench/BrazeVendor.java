package dev.masync.connector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Braze user profiles by {@code external_id} through {@code /users/track}: 75 objects a request at {@code
 * --braze-rate}, default 60 per 3 s (Braze's own 3 s window at 1/50 of its 3,000): a ceiling of 1,500 records/s. A
 * run sends one call at a time, and the daemon spends about 16 ms of CPU per engine batch of 75 (measured: 21 CPU-s for
 * 1,334 calls), so one pinned core under the shared machine's load takes 35–40 ms per call; 50 ms per call (HubSpot's
 * window leaves 52 ms, and is reached here) is what this box can sustain, where Braze's 3,000 per 3 s (1 ms per call)
 * would only measure the daemon. Membership the way a customer syncing several segments does it: the segment's key
 * added to and removed from an array attribute ({@code ma_segments}, list style with a value).
 */
final class BrazeVendor implements Vendor {
    static final String API_KEY = "bench-braze-rest-api-key";
    static final String MEMBERSHIP = "ma_segments";

    static final List<String[]> MAPPING = List.of(
            new String[] {"email", "email", "auto"},
            new String[] {"grade", "grade", "auto"},
            new String[] {"plan", "plan", "auto"},
            new String[] {"plan_status", "plan_status", "auto"},
            new String[] {"streak_days", "streak_days", "auto"},
            new String[] {"favorite_subject", "favorite_subject", "auto"},
            new String[] {"last_active_at", "last_active_at", "datetime"});

    private final VendorOptions options;

    BrazeVendor(VendorOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "braze";
    }

    @Override
    public int cap() {
        return 75;
    }

    @Override
    public int windowCalls() {
        return options.brazeRequests();
    }

    @Override
    public Duration window() {
        return options.brazePer();
    }

    @Override
    public List<String> fakeFlags(Mode mode, long records) {
        List<String> f = new ArrayList<>(List.of("--vendor", "braze", "--api-key", API_KEY, "--max-batch", "75"));
        f.addAll(List.of(
                "--rate",
                mode == Mode.UNTHROTTLED ? "1000000/PT1S" : options.brazeRequests() + "/" + options.brazePer(),
                "--latency",
                options.brazeLatency().toString()));
        return f;
    }

    @Override
    public String destination(String key, String account, String url, Mode mode) {
        ObjectNode d = JSON.createObjectNode();
        d.put("key", key);
        d.put("name", "Benchmark Braze " + key);
        d.put("type", "braze");
        ObjectNode s = d.putObject("settings");
        s.put("restEndpoint", url);
        s.put("apiKey", "env:MASYNC_SECRET_BENCH_BRAZE_KEY");
        // the workspace names the shared budget: one per scenario, as each scenario has a fake of its own
        s.put("workspace", "bench-" + account);
        options.engineBatch().ifPresent(n -> d.put("batchSize", n));
        if (mode == Mode.UNTHROTTLED) {
            d.putObject("rateLimit").put("requests", 100_000).put("per", "PT1S");
        } else {
            d.putObject("rateLimit")
                    .put("requests", options.brazeRequests())
                    .put("per", options.brazePer().toString());
        }
        return d.toString();
    }

    @Override
    public String sync(String key, String segment, String destination) {
        ObjectNode s = Vendor.syncBase(key, segment, destination);
        s.putObject("identity")
                .put("attribute", "learner_id")
                .put("field", "external_id")
                .put("kind", "external_id");
        var m = s.putArray("mapping");
        for (String[] f : MAPPING)
            m.addObject().put("source", f[0]).put("target", f[1]).put("format", f[2]);
        s.putObject("membership").put("style", "list").put("field", MEMBERSHIP).put("value", segment);
        return s.toString();
    }

    @Override
    public long held(JsonNode stats) {
        return stats.path("held").path("users").asLong();
    }

    @Override
    public boolean billsDataPoints() {
        return true;
    }

    @Override
    public Map<String, String> secrets() {
        return Map.of("MASYNC_SECRET_BENCH_BRAZE_KEY", API_KEY);
    }
}
