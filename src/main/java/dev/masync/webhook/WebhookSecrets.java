package dev.masync.webhook;

import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.Secret;
import dev.masync.connector.spi.SecretRef;
import dev.masync.connector.spi.SecretResolver;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Resolves the receivers' secret references per delivery, through the daemon's secret policy. A secret that cannot be
 * read is our configuration's fault: the delivery is answered 503 {@code webhook_secret_unavailable} so the sender
 * retries once it is fixed, and the log names the reference (never a value).
 */
@ApplicationScoped
public class WebhookSecrets {
    private static final Logger LOG = Logger.getLogger(WebhookSecrets.class);

    private final SecretResolver resolver;

    WebhookSecrets(SecretResolver resolver) {
        this.resolver = resolver;
    }

    public Secret resolve(SecretRef ref) {
        try {
            return resolver.resolve(ref);
        } catch (PermanentException e) {
            LOG.warnf("webhook secret unavailable: %s", e.getMessage());
            throw unavailable(ref);
        }
    }

    /** The secret, or null (logged) when it cannot be read: for senders with several secrets. */
    public Secret resolveOrNull(SecretRef ref) {
        try {
            return resolver.resolve(ref);
        } catch (PermanentException e) {
            LOG.warnf("webhook secret unavailable: %s", e.getMessage());
            return null;
        }
    }

    public static WebhookRefusal unavailable(SecretRef ref) {
        return new WebhookRefusal(
                503,
                "webhook_secret_unavailable",
                "The receiver's secret (" + ref + ") cannot be read right now; the operator must fix it. Retry later.");
    }
}
