package dev.masync.testing.vendor;

import dev.masync.testing.receiver.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A vendor fake as its own process, for benchmarks that pin it to a CPU of its own (the CRM connector benchmark):
 * starts a {@link HubSpotFake}, {@link SalesforceFake}, {@link BrazeFake} or {@link MarketoFake} on the real clock,
 * sets up credentials and the destination's schema from flags, turns the request ledger off (the counters of {@link
 * FakeStats} still count), prints {@code READY port=N}, and serves {@code GET /__fake/stats}, {@code POST
 * /__fake/reset} and {@code POST /__fake/faults} beside the vendor's API until SIGTERM, when it prints {@code FINAL
 * <stats json>}.
 *
 * <p>Flags: {@code --vendor hubspot|salesforce|braze|marketo}. HubSpot: {@code --token T} (a private-app token
 * with every scope), {@code --burst 190/PT10S} (the {@code TEN_SECONDLY_ROLLING} window), {@code --daily N}, {@code
 * --zone Z}, {@code --max-batch N} (inputs per call), {@code --retry-after S} (on 429s; none by default), {@code
 * --property name:type} (repeatable; {@code string}, {@code number}, {@code date}, {@code datetime}, {@code bool}).
 * Salesforce: {@code --client-id ID --client-secret S} (a connected app for the client-credentials flow), {@code
 * --object Contact|Lead}, {@code --external-id Field__c}, {@code --field name:type} (repeatable; {@code string},
 * {@code number}, {@code date}, {@code datetime}, {@code bool}), {@code --daily N} (requests per rolling 24 h),
 * {@code --max-concurrent N}, {@code --bulk-queue PT0S},
 * {@code --bulk-processing PT5S} (a Bulk API 2.0 job's time from UploadComplete to JobComplete), {@code --bulk-rate
 * N} (plus its rows at N per second). Braze: {@code --api-key K} (a REST API key with {@code users.track}), {@code
 * --max-batch N} (objects per {@code /users/track} request, 75), {@code --rate 3000/PT3S} (requests per fixed window,
 * whole seconds), {@code --latency PT0S} (service time of each admitted request). Marketo: {@code --client-id ID
 * --client-secret S}, {@code --max-batch N} (leads per call, 300), {@code --rate 100/PT20S} (calls per rolling window),
 * {@code --max-concurrent N} (10), {@code --daily N} (calls per day, 50,000), {@code --latency PT0.3S}, {@code
 * --lookup-field learnerId} (adds a custom dedupe field; {@code email} is one already), {@code --field name:type}
 * (repeatable; {@code string}, {@code integer}, {@code float}, {@code boolean}/{@code bool}, {@code date}, {@code
 * datetime}, {@code email}).
 */
public final class VendorFakeMain {
    private VendorFakeMain() {}

    public static void main(String[] args) throws Exception {
        String vendor = null;
        String token = "bench-token";
        int burst = 190;
        Duration burstWindow = Duration.ofSeconds(10);
        Long daily = null;
        ZoneId zone = null;
        Integer maxBatch = null;
        Integer retryAfter = null;
        Integer maxConcurrent = null;
        String clientId = "bench-client";
        String clientSecret = "bench-secret";
        String object = "Contact";
        String externalId = "Learner_Key__c";
        Duration bulkQueue = Duration.ZERO;
        Duration bulkProcessing = Duration.ofSeconds(5);
        double bulkRate = 0;
        List<String[]> fields = new ArrayList<>();
        String apiKey = "bench-key";
        Integer rate = null;
        Duration rateWindow = null;
        Duration latency = Duration.ZERO;
        String lookupField = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--vendor" -> vendor = args[++i];
                case "--token" -> token = args[++i];
                case "--burst" -> {
                    String[] p = args[++i].split("/", 2);
                    burst = Integer.parseInt(p[0]);
                    burstWindow = Duration.parse(p[1]);
                }
                case "--daily" -> daily = Long.parseLong(args[++i]);
                case "--zone" -> zone = ZoneId.of(args[++i]);
                case "--max-batch" -> maxBatch = Integer.parseInt(args[++i]);
                case "--retry-after" -> retryAfter = Integer.parseInt(args[++i]);
                case "--max-concurrent" -> maxConcurrent = Integer.parseInt(args[++i]);
                case "--client-id" -> clientId = args[++i];
                case "--client-secret" -> clientSecret = args[++i];
                case "--object" -> object = args[++i];
                case "--external-id" -> externalId = args[++i];
                case "--bulk-queue" -> bulkQueue = Duration.parse(args[++i]);
                case "--bulk-processing" -> bulkProcessing = Duration.parse(args[++i]);
                case "--bulk-rate" -> bulkRate = Double.parseDouble(args[++i]);
                case "--property", "--field" -> fields.add(args[++i].split(":", 2));
                case "--api-key" -> apiKey = args[++i];
                case "--rate" -> {
                    String[] p = args[++i].split("/", 2);
                    rate = Integer.parseInt(p[0]);
                    rateWindow = Duration.parse(p[1]);
                }
                case "--latency" -> latency = Duration.parse(args[++i]);
                case "--lookup-field" -> lookupField = args[++i];
                default -> {
                    System.err.println("unknown flag " + a + "; see the javadoc of " + VendorFakeMain.class.getName());
                    System.exit(2);
                }
            }
        }
        VendorFakeServer fake;
        if ("hubspot".equals(vendor)) {
            HubSpotFakeConfig cfg = HubSpotFakeConfig.defaults().withBurst(burst, burstWindow);
            if (daily != null || zone != null) {
                cfg = cfg.withDaily(daily != null ? daily : cfg.dailyMax(), zone != null ? zone : cfg.accountZone());
            }
            if (maxBatch != null) cfg = cfg.withLimits(maxBatch, cfg.maxValueChars(), cfg.maxListIds());
            if (retryAfter != null) cfg = cfg.withRetryAfter(retryAfter);
            HubSpotFake hs = HubSpotFake.start(cfg, Clock.systemUTC(), Sleeper.REAL);
            hs.addPrivateAppToken(token, HubSpotFake.ALL_SCOPES);
            for (String[] f : fields) hs.defineProperty(hubSpotProperty(f[0], f.length > 1 ? f[1] : "string"));
            fake = hs;
        } else if ("salesforce".equals(vendor)) {
            SalesforceFakeConfig cfg = SalesforceFakeConfig.defaults().withBulkTiming(bulkQueue, bulkProcessing);
            if (daily != null || maxConcurrent != null) {
                cfg = cfg.withLimits(
                        daily != null ? daily : cfg.dailyApiLimit(),
                        maxConcurrent != null ? maxConcurrent : cfg.maxConcurrent());
            }
            SalesforceFake sf = SalesforceFake.start(cfg, Clock.systemUTC(), Sleeper.REAL);
            sf.bulkRowsPerSecond(bulkRate);
            sf.registerApp(clientId, clientSecret, "bench-integration-user", Set.of(), null);
            List<SalesforceFake.Field> defs = new ArrayList<>();
            defs.add(SalesforceFake.Field.externalId(externalId, 80));
            for (String[] f : fields) defs.add(salesforceField(f[0], f.length > 1 ? f[1] : "string"));
            sf.defineSObject(object, object.equals("Lead") ? "00Q" : "003", defs.toArray(SalesforceFake.Field[]::new));
            fake = sf;
        } else if ("braze".equals(vendor)) {
            BrazeFakeConfig cfg = BrazeFakeConfig.defaults();
            if (maxBatch != null) cfg = cfg.withObjectsPerRequest(maxBatch, cfg.combinedCap());
            if (rate != null) cfg = cfg.withRate(rate, rateWindow);
            BrazeFake bz = BrazeFake.start(cfg, Clock.systemUTC(), Sleeper.REAL);
            bz.addApiKey(apiKey);
            bz.latency(latency);
            fake = bz;
        } else if ("marketo".equals(vendor)) {
            MarketoFakeConfig d = MarketoFakeConfig.defaults();
            MarketoFakeConfig cfg = new MarketoFakeConfig(
                    maxBatch != null ? maxBatch : d.maxBatchRecords(),
                    d.maxBodyBytes(),
                    d.tokenLifetime(),
                    rate != null ? rate : d.callsPerWindow(),
                    rateWindow != null ? rateWindow : d.window(),
                    maxConcurrent != null ? maxConcurrent : d.maxConcurrent(),
                    daily != null ? daily : d.dailyQuota(),
                    zone != null ? zone : d.dailyReset(),
                    latency,
                    d.overCapCode());
            MarketoFake mk = MarketoFake.start(cfg, Clock.systemUTC(), Sleeper.REAL);
            mk.registerClient(clientId, clientSecret);
            if (lookupField != null && !lookupField.equalsIgnoreCase("email")) {
                mk.addField(MarketoFake.Field.unique(lookupField));
            }
            for (String[] f : fields) mk.addField(marketoField(f[0], f.length > 1 ? f[1] : "string"));
            fake = mk;
        } else {
            System.err.println("--vendor hubspot|salesforce|braze|marketo is required");
            System.exit(2);
            return;
        }
        fake.keepLedger(false);
        CountDownLatch stop = new CountDownLatch(1);
        VendorFakeServer running = fake;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                System.out.println("FINAL "
                        + FakeExchange.JSON.writeValueAsString(
                                running.stats().toMap(burstWindowMillis(running), null)));
                System.out.flush();
            } catch (Exception e) {
                System.out.println("FINAL (stats not serializable: " + e.getMessage() + ")");
            }
            running.close();
            stop.countDown();
        }));
        System.out.println("READY port=" + fake.port());
        System.out.flush();
        stop.await();
    }

    private static long burstWindowMillis(VendorFakeServer fake) {
        if (fake instanceof HubSpotFake hs) return hs.config().burstInterval().toMillis();
        if (fake instanceof BrazeFake bz) return bz.config().window().toMillis();
        if (fake instanceof MarketoFake mk) return mk.config().window().toMillis();
        return 10_000;
    }

    private static HubSpotFake.Property hubSpotProperty(String name, String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "string" -> HubSpotFake.Property.string(name);
            case "number" -> HubSpotFake.Property.number(name);
            case "date" -> HubSpotFake.Property.date(name);
            case "datetime" -> HubSpotFake.Property.datetime(name);
            case "bool" -> HubSpotFake.Property.checkbox(name);
            default -> throw new IllegalArgumentException("property type " + type + " of " + name);
        };
    }

    private static MarketoFake.Field marketoField(String name, String type) {
        String t = type.toLowerCase(Locale.ROOT);
        return switch (t) {
            case "string", "email" -> new MarketoFake.Field(name, t, 255, false, false);
            case "integer", "float", "date", "datetime" -> new MarketoFake.Field(name, t, 0, false, false);
            case "bool", "boolean" -> MarketoFake.Field.bool(name);
            default -> throw new IllegalArgumentException("field type " + type + " of " + name);
        };
    }

    private static SalesforceFake.Field salesforceField(String name, String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "string" -> SalesforceFake.Field.text(name, 255);
            case "number" -> SalesforceFake.Field.number(name);
            case "date" -> SalesforceFake.Field.date(name);
            case "datetime" -> new SalesforceFake.Field(name, "datetime", 0, false, true, true, true, false, List.of());
            case "bool" -> SalesforceFake.Field.checkbox(name);
            case "email" -> SalesforceFake.Field.email(name);
            default -> throw new IllegalArgumentException("field type " + type + " of " + name);
        };
    }
}
