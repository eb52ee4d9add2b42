package dev.masync.testing.vendor;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Runs a {@link HubSpotFake} for a {@code @QuarkusTest} with a private-app token ({@link #TOKEN}) holding every
 * scope. It sets no application config (HubSpot is configured per destination, not per application): a test creates
 * its destination with {@code baseUrl} = {@link #fake()}{@code .url()}.
 */
public class HubSpotFakeResource implements QuarkusTestResourceLifecycleManager {
    public static final String TOKEN = "pat-na1-fake-token";

    private static volatile HubSpotFake current;
    private HubSpotFake fake;

    @Override
    public Map<String, String> start() {
        fake = HubSpotFake.start();
        fake.addPrivateAppToken(TOKEN, HubSpotFake.ALL_SCOPES);
        current = fake;
        return Map.of();
    }

    @Override
    public void stop() {
        if (fake != null) fake.close();
        current = null;
    }

    public static HubSpotFake fake() {
        HubSpotFake f = current;
        if (f == null) throw new IllegalStateException("no HubSpotFakeResource is running");
        return f;
    }
}
