package dev.masync.testing.vendor;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Runs a {@link HubSpotFake} for a {@code @QuarkusTest} with a private-app token holding every scope. The returned
 * config names are not read by the application yet; a HubSpot connector test maps them onto its settings. Tests
 * reach the running fake through {@link #fake()}.
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
        return Map.of("masync.test.hubspot.url", fake.url(), "masync.test.hubspot.token", TOKEN);
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
