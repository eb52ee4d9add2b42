package dev.masync.webhook;

import java.util.Objects;

/**
 * Why a delivery is refused: an HTTP status, a stable {@code code} (also the {@code reason} of
 * {@code masync.webhooks.rejected}) and a message that says what to fix. Nothing of a refused delivery is stored.
 */
public class WebhookRefusal extends RuntimeException {
    private final int status;
    private final String code;

    public WebhookRefusal(int status, String code, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
    }

    public static WebhookRefusal badRequest(String code, String message) {
        return new WebhookRefusal(400, code, message);
    }

    public static WebhookRefusal unauthorized(String code, String message) {
        return new WebhookRefusal(401, code, message);
    }

    public static WebhookRefusal notConfigured(String sender) {
        return new WebhookRefusal(
                404,
                "webhook_not_configured",
                "Webhooks from " + sender + " are not configured here; set masync.webhooks." + sender
                        + ".* (README, \"Inbound CRM webhooks\").");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
