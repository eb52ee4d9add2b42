package dev.masync.webhook;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Receivers against the {@link RecordingInbox}, with every sender configured; secrets are files in a temporary
 * directory under /tmp (a secret directory of the test profile).
 */
public class WebhookTestProfile implements QuarkusTestProfile {
    public static final String HUBSPOT_SECRET = "hs-client-secret-3f9a";
    public static final String CRM_OLD = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public static final String CRM_NEW = "whsec_c2Vjb25kLWtleS1mb3Itcm90YXRpb24tMzItYnl0ZXM=";
    public static final String SALESFORCE_TOKEN = "sf-url-token-71c2";
    public static final String ORG_15 = "00D5g0000012345";
    public static final String PUBLIC_URL = "https://sync.example.com";
    public static final long MAX_BODY = 64 * 1024;

    static final Path DIR = dir();

    private static Path dir() {
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "masync-webhooks");
            Files.writeString(dir.resolve("hubspot"), HUBSPOT_SECRET + "\n");
            Files.writeString(dir.resolve("crm-old"), CRM_OLD);
            Files.writeString(dir.resolve("crm-new"), CRM_NEW);
            Files.writeString(dir.resolve("sf-token"), SALESFORCE_TOKEN);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(RecordingInbox.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "masync.webhooks.public-url", PUBLIC_URL + "/",
                "masync.webhooks.max-body-bytes", Long.toString(MAX_BODY),
                "masync.webhooks.hubspot.client-secret", "file:" + DIR.resolve("hubspot"),
                "masync.webhooks.salesforce.organization-ids", ORG_15 + ",00D000000000001",
                "masync.webhooks.salesforce.token", "file:" + DIR.resolve("sf-token"),
                "masync.webhooks.generic.crm.secrets",
                        "file:" + DIR.resolve("crm-old") + ",file:" + DIR.resolve("crm-new"),
                "masync.webhooks.generic.off.secrets", "file:" + DIR.resolve("crm-old"),
                "masync.webhooks.generic.off.enabled", "false");
    }
}
