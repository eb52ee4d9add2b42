package dev.masync.connector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Salesforce Contacts keyed by an External ID: 200 records a call at {@code --sf-rate}, and the Bulk API 2.0 path. */
final class SalesforceVendor implements Vendor {
    static final String CLIENT_ID = "bench-client-id";
    static final String CLIENT_SECRET = "bench-client-secret";
    static final String CLIENT_ID_ENV = "MASYNC_SECRET_BENCH_SF_CLIENT_ID";
    static final String CLIENT_SECRET_ENV = "MASYNC_SECRET_BENCH_SF_CLIENT_SECRET";

    static final String MEMBERSHIP = "In_Bench_Segment__c";
    static final String EXTERNAL_ID = "Learner_Key__c";

    static final List<String[]> SALESFORCE_MAPPING = List.of(
            new String[] {"learner_id", "LastName", "auto", null},
            new String[] {"email", "Email", "auto", null},
            new String[] {"grade", "Grade__c", "auto", "string"},
            new String[] {"plan", "Plan__c", "auto", "string"},
            new String[] {"plan_status", "Plan_Status__c", "auto", "string"},
            new String[] {"streak_days", "Streak_Days__c", "auto", "number"},
            new String[] {"favorite_subject", "Favorite_Subject__c", "auto", "string"},
            new String[] {"last_active_at", "Last_Active_At__c", "datetime", "datetime"});

    private final VendorOptions options;

    SalesforceVendor(VendorOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "salesforce";
    }

    @Override
    public int cap() {
        return 200;
    }

    @Override
    public int windowCalls() {
        return options.sfRequests();
    }

    @Override
    public Duration window() {
        return options.sfPer();
    }

    @Override
    public List<String> fakeFlags(Mode mode, long records) {
        List<String> f = new ArrayList<>(List.of(
                "--vendor",
                "salesforce",
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                CLIENT_SECRET,
                "--object",
                "Contact",
                "--external-id",
                EXTERNAL_ID,
                // an Enterprise org's base allocation; the fake counts every request running at once
                "--daily",
                mode == Mode.UNTHROTTLED ? "1000000000" : "100000",
                "--max-concurrent",
                "25"));
        if (mode == Mode.BULK) {
            // every job takes its rows at the job rate, whatever the connector's job size
            f.addAll(List.of(
                    "--bulk-queue",
                    "PT0S",
                    "--bulk-processing",
                    "PT0S",
                    "--bulk-rate",
                    Integer.toString(options.bulkRate())));
        }
        for (String[] m : SALESFORCE_MAPPING) {
            if (m[3] != null) f.addAll(List.of("--field", m[1] + ":" + m[3]));
        }
        f.addAll(List.of("--field", MEMBERSHIP + ":bool"));
        return f;
    }

    @Override
    public String destination(String key, String account, String url, Mode mode) {
        ObjectNode d = JSON.createObjectNode();
        d.put("key", key);
        d.put("name", "Benchmark Salesforce " + key);
        d.put("type", "salesforce");
        ObjectNode s = d.putObject("settings");
        // the account is the instance URL: one fake per scenario
        s.put("instanceUrl", url);
        s.put("loginUrl", url);
        s.put("clientId", "env:" + CLIENT_ID_ENV);
        s.put("clientSecret", "env:" + CLIENT_SECRET_ENV);
        s.put("object", "Contact");
        // only the bulk scenario goes through Bulk API 2.0 (its default threshold is 10,000)
        if (mode != Mode.BULK) s.put("bulkThreshold", "1000000000");
        s.put("callsPerDay", mode == Mode.UNTHROTTLED ? "1000000000" : "100000");
        options.engineBatch().ifPresent(n -> d.put("batchSize", n));
        if (mode == Mode.UNTHROTTLED) {
            d.putObject("rateLimit").put("requests", 100_000).put("per", "PT1S");
        } else {
            d.putObject("rateLimit")
                    .put("requests", options.sfRequests())
                    .put("per", options.sfPer().toString());
        }
        return d.toString();
    }

    @Override
    public String sync(String key, String segment, String destination) {
        ObjectNode s = Vendor.syncBase(key, segment, destination);
        s.putObject("identity")
                .put("attribute", "learner_id")
                .put("field", EXTERNAL_ID)
                .put("kind", "external_id");
        var m = s.putArray("mapping");
        for (String[] f : SALESFORCE_MAPPING) {
            m.addObject().put("source", f[0]).put("target", f[1]).put("format", f[2]);
        }
        s.putObject("membership").put("style", "boolean").put("field", MEMBERSHIP);
        return s.toString();
    }

    @Override
    public long held(JsonNode stats) {
        return stats.path("held").path("Contact").asLong();
    }

    @Override
    public Map<String, String> secrets() {
        return Map.of(CLIENT_ID_ENV, CLIENT_ID, CLIENT_SECRET_ENV, CLIENT_SECRET);
    }
}
