package dev.masync.testing.vendor;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link SalesforceFake} for a {@code @QuarkusTest} with one connected app for the client-credentials flow
 * ({@link #CLIENT_ID}, {@link #CLIENT_SECRET}). It sets no application config (Salesforce is configured per
 * destination): a test creates its destination with {@code loginUrl} and {@code instanceUrl} = {@link #fake()}{@code
 * .url()}.
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
        return Map.of();
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
