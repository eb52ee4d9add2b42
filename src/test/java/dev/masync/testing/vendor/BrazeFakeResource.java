package dev.masync.testing.vendor;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Runs a {@link BrazeFake} for a {@code @QuarkusTest} with one REST API key ({@link #API_KEY}). It sets no
 * application config (Braze is configured per destination): a test creates its destination with
 * {@code restEndpoint} = {@link #fake()}{@code .url()}.
 */
public class BrazeFakeResource implements QuarkusTestResourceLifecycleManager {
    public static final String API_KEY = "braze-fake-rest-key-0123456789abcdef";

    private static volatile BrazeFake current;
    private BrazeFake fake;

    @Override
    public Map<String, String> start() {
        fake = BrazeFake.start();
        fake.addApiKey(API_KEY);
        current = fake;
        return Map.of();
    }

    @Override
    public void stop() {
        if (fake != null) fake.close();
        current = null;
    }

    public static BrazeFake fake() {
        BrazeFake f = current;
        if (f == null) throw new IllegalStateException("no BrazeFakeResource is running");
        return f;
    }
}
