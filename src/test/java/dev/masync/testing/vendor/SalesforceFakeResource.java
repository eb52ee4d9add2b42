package dev.masync.testing.vendor;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link SalesforceFake} for a {@code @QuarkusTest} with one connected app for the client-credentials flow.
 * The returned config names are not read by the application yet; a Salesforce connector test maps them onto its
 * settings. Tests reach the running fake through {@link #fake()}.
 */
public class SalesforceFakeResource implements QuarkusTestResourceLifecycleManager {
    public static final String CLIENT_ID = "fake-consumer-key";
    public static final String CLIENT_SECRET = "fake-consumer-secret";
    public static final String USER = "integration@example.test";

    private static volatile SalesforceFake current;
    private SalesforceFake fake;

    @Override
    public Map<String, String> start() {
        fake = SalesforceFake.start();
        fake.registerApp(CLIENT_ID, CLIENT_SECRET, USER, Set.of(USER), null);
        current = fake;
        return Map.of(
                "masync.test.salesforce.url", fake.url(),
                "masync.test.salesforce.client-id", CLIENT_ID,
                "masync.test.salesforce.client-secret", CLIENT_SECRET);
    }

    @Override
    public void stop() {
        if (fake != null) fake.close();
        current = null;
    }

    public static SalesforceFake fake() {
        SalesforceFake f = current;
        if (f == null) throw new IllegalStateException("no SalesforceFakeResource is running");
        return f;
    }
}
