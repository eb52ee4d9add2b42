package dev.masync.testing.vendor;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Runs a {@link MarketoFake} for a {@code @QuarkusTest} with one API client ({@link #CLIENT_ID}, {@link
 * #CLIENT_SECRET}). It sets no application config (Marketo is configured per destination): a test creates its
 * destination with {@code baseUrl} = {@link #fake()}{@code .url()}.
 */
public class MarketoFakeResource implements QuarkusTestResourceLifecycleManager {
    public static final String CLIENT_ID = "fake-marketo-client";
    public static final String CLIENT_SECRET = "fake-marketo-secret";

    private static volatile MarketoFake current;
    private MarketoFake fake;

    @Override
    public Map<String, String> start() {
        fake = MarketoFake.start();
        fake.registerClient(CLIENT_ID, CLIENT_SECRET);
        current = fake;
        return Map.of();
    }

    @Override
    public void stop() {
        if (fake != null) fake.close();
        current = null;
    }

    public static MarketoFake fake() {
        MarketoFake f = current;
        if (f == null) throw new IllegalStateException("no MarketoFakeResource is running");
        return f;
    }
}
