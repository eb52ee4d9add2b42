package dev.masync.warehouse.bigquery.fake;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Runs a {@link BigQueryFakeServer} for a {@code @QuarkusTest} and points the application at it:
 * <pre>
 * &#64;WithTestResource(value = BigQueryFakeResource.class, initArgs = &#64;ResourceArg(name = "seed", value = "demo"))
 * </pre>
 * The dataset {@code learning} of project {@code test-project} exists but is empty unless init arg {@code seed=demo}
 * asks for the demo-like tables ({@link #seedDemo}); the empty dataset {@code masync_state} is the state dataset of
 * syncs. Tests reach the running fake through {@link #server()}.
 */
public class BigQueryFakeResource implements QuarkusTestResourceLifecycleManager {
    public static final String PROJECT = "test-project";
    public static final String DATASET = "learning";
    public static final String STATE_DATASET = "masync_state";
    /** Init arg: {@code demo} seeds the demo-like tables, anything else nothing. */
    public static final String SEED = "seed";

    private static volatile BigQueryFakeServer current;

    private BigQueryFakeServer server;
    private boolean seedDemo;

    @Override
    public void init(Map<String, String> initArgs) {
        seedDemo = "demo".equals(initArgs.get(SEED));
    }

    @Override
    public Map<String, String> start() {
        server = BigQueryFakeServer.start(PROJECT);
        server.createDataset(DATASET);
        server.createDataset(STATE_DATASET);
        if (seedDemo) {
            seedDemo(server, DATASET);
        }
        current = server;
        return Map.of(
                "masync.warehouse.kind",
                "bigquery",
                "masync.warehouse.bigquery.host",
                server.url(),
                "masync.warehouse.bigquery.project",
                PROJECT,
                "masync.warehouse.bigquery.dataset",
                DATASET,
                "masync.warehouse.bigquery.state-dataset",
                STATE_DATASET,
                "masync.warehouse.bigquery.anonymous",
                "true",
                "masync.demo.enabled",
                "false");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
        current = null;
    }

    /** The fake of the running test resource. */
    public static BigQueryFakeServer server() {
        BigQueryFakeServer s = current;
        if (s == null) {
            throw new IllegalStateException("no BigQueryFakeResource is running");
        }
        return s;
    }

    /**
     * Creates {@code learner_status}, {@code lecture_views} and {@code quiz_attempts} in {@code dataset} with a
     * handful of learners and BigQuery's own types (STRING keys, INT64, NUMERIC, BOOL, DATE, DATETIME, TIMESTAMP,
     * a REPEATED STRING).
     */
    public static void seedDemo(BigQueryFakeServer server, String dataset) {
        server.createTable(
                dataset,
                "learner_status",
                FakeField.of("learner_id", "STRING"),
                FakeField.of("grade", "STRING"),
                FakeField.of("prefecture", "STRING"),
                FakeField.of("plan", "STRING"),
                FakeField.of("plan_status", "STRING"),
                FakeField.of("trial_ends_on", "DATE"),
                FakeField.of("email_opt_in", "BOOL"),
                FakeField.of("streak_days", "INT64"),
                FakeField.of("watch_minutes_7d", "INT64"),
                FakeField.of("quiz_accuracy", "FLOAT64"),
                FakeField.of("churn_risk", "NUMERIC"),
                FakeField.repeated("subjects", "STRING"),
                FakeField.of("last_active_at", "TIMESTAMP"),
                FakeField.of("updated_at", "DATETIME"));
        server.createTable(
                dataset,
                "lecture_views",
                FakeField.of("learner_id", "STRING"),
                FakeField.of("lecture_id", "STRING"),
                FakeField.of("subject", "STRING"),
                FakeField.of("viewed_at", "TIMESTAMP"),
                FakeField.of("watch_seconds", "INT64"),
                FakeField.of("completed", "BOOL"));
        server.createTable(
                dataset,
                "quiz_attempts",
                FakeField.of("learner_id", "STRING"),
                FakeField.of("quiz_id", "STRING"),
                FakeField.of("subject", "STRING"),
                FakeField.of("attempted_at", "TIMESTAMP"),
                FakeField.of("score", "FLOAT64"),
                FakeField.of("passed", "BOOL"));
        String ds = FakeTypes.quote(dataset);
        server.execute(
                "INSERT INTO " + ds + ".learner_status VALUES"
                        + " ('L0001', 'jh2', 'Tokyo', 'premium', 'active', NULL, true, 12, 185, 0.82, 0.10,"
                        + "  ['math', 'english'], TIMESTAMPTZ '2025-03-30 11:15:00+00', TIMESTAMP '2025-03-31 03:00:00'),"
                        + " ('L0002', 'hs1', 'Osaka', 'trial', 'trialing', DATE '2025-04-07', true, 3, 40, 0.64, 0.35,"
                        + "  ['science'], TIMESTAMPTZ '2025-03-29 09:30:00+00', TIMESTAMP '2025-03-31 03:00:00'),"
                        + " ('L0003', 'es6', 'Hokkaido', 'basic', 'active', NULL, false, 0, 0, NULL, 0.91,"
                        + "  [], TIMESTAMPTZ '2025-02-11 22:05:00+00', TIMESTAMP '2025-03-31 03:00:00'),"
                        + " ('L0004', 'hs3', 'Fukuoka', 'premium', 'cancelled', NULL, false, 0, 15, 0.71, 0.77,"
                        + "  ['math'], TIMESTAMPTZ '2025-03-20 13:45:00+00', TIMESTAMP '2025-03-31 03:00:00'),"
                        + " ('L0005', 'ronin', 'Tokyo', 'premium', 'active', NULL, true, 45, 610, 0.93, 0.02,"
                        + "  ['math', 'japanese', 'english'], TIMESTAMPTZ '2025-03-30 23:59:00+00',"
                        + "  TIMESTAMP '2025-03-31 03:00:00')",
                "INSERT INTO " + ds + ".lecture_views VALUES"
                        + " ('L0001', 'MATH-101', 'math', TIMESTAMPTZ '2025-03-30 11:00:00+00', 900, true),"
                        + " ('L0001', 'ENG-201', 'english', TIMESTAMPTZ '2025-03-29 10:00:00+00', 420, false),"
                        + " ('L0002', 'SCI-110', 'science', TIMESTAMPTZ '2025-03-29 09:00:00+00', 1200, true),"
                        + " ('L0004', 'MATH-301', 'math', TIMESTAMPTZ '2025-03-20 13:00:00+00', 300, false),"
                        + " ('L0005', 'MATH-301', 'math', TIMESTAMPTZ '2025-03-30 22:00:00+00', 1800, true),"
                        + " ('L0005', 'JPN-220', 'japanese', TIMESTAMPTZ '2025-03-30 23:00:00+00', 1500, true)",
                "INSERT INTO " + ds + ".quiz_attempts VALUES"
                        + " ('L0001', 'Q-MATH-101', 'math', TIMESTAMPTZ '2025-03-30 11:20:00+00', 0.8, true),"
                        + " ('L0002', 'Q-SCI-110', 'science', TIMESTAMPTZ '2025-03-29 09:40:00+00', 0.6, false),"
                        + " ('L0004', 'Q-MATH-301', 'math', TIMESTAMPTZ '2025-03-20 13:30:00+00', 0.7, true),"
                        + " ('L0005', 'Q-MATH-301', 'math', TIMESTAMPTZ '2025-03-30 22:40:00+00', 0.95, true),"
                        + " ('L0005', 'Q-JPN-220', 'japanese', TIMESTAMPTZ '2025-03-30 23:30:00+00', 0.9, true)");
    }
}
