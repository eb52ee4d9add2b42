package dev.masync.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Senders' signatures computed as the vendors document them, independently of the receivers' code. */
public final class Signers {
    private Signers() {}

    private static byte[] hmac(byte[] key, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** HubSpot v3: base64(HMAC-SHA256(client secret, method + uri + body + timestamp)). */
    public static String hubspot(String clientSecret, String method, String signedUri, String body, String timestamp) {
        return Base64.getEncoder()
                .encodeToString(
                        hmac(clientSecret.getBytes(StandardCharsets.UTF_8), method + signedUri + body + timestamp));
    }

    /** Standard Webhooks: v1,base64(HMAC-SHA256(base64-decoded key after whsec_, id.timestamp.body)). */
    public static String standard(String secret, String id, String timestamp, String body) {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + timestamp + "." + body));
    }
}
