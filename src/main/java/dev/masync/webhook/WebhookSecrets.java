package dev.masync.webhook;

import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.Secret;
import dev.masync.connector.spi.SecretPolicy;
import dev.masync.connector.spi.SecretRef;
import dev.masync.connector.spi.SecretResolver;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The receivers' secrets: references checked at start-up (syntax and the secret policy; a bad one stops the daemon
 * with the property's name, never its value) and resolved per delivery. A secret that cannot be read then is our
 * configuration's fault: the delivery is answered 503 {@code webhook_secret_unavailable} so the sender retries once it
 * is fixed, and the log names the reference.
 */
@ApplicationScoped
public class WebhookSecrets {
    private static final Logger LOG = Logger.getLogger(WebhookSecrets.class);

    private final SecretResolver resolver;
    private final SecretPolicy policy;
    private final WebhooksConfig config;

    WebhookSecrets(SecretResolver resolver, SecretPolicy policy, WebhooksConfig config) {
        this.resolver = resolver;
        this.policy = policy;
        this.config = config;
    }

    void checkAtStart(@Observes StartupEvent start) {
        List<String> problems = problems(config, policy);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("masync.webhooks: " + String.join("; ", problems));
        }
    }

    /** What is wrong with the configured references, each naming its property. */
    public static List<String> problems(WebhooksConfig config, SecretPolicy policy) {
        List<String> problems = new ArrayList<>();
        config.hubspot()
                .clientSecret()
                .ifPresent(v -> check("masync.webhooks.hubspot.client-secret", v, policy, problems));
        config.salesforce().token().ifPresent(v -> check("masync.webhooks.salesforce.token", v, policy, problems));
        for (Map.Entry<String, WebhooksConfig.Generic> g : config.generic().entrySet()) {
            for (String v : g.getValue().secrets()) {
                check("masync.webhooks.generic.\"" + g.getKey() + "\".secrets", v, policy, problems);
            }
        }
        return problems;
    }

    private static void check(String property, String value, SecretPolicy policy, List<String> problems) {
        try {
            policy.problem(SecretRef.parse(value.trim())).ifPresent(p -> problems.add(property + ": " + p));
        } catch (IllegalArgumentException e) {
            problems.add(property + ": " + e.getMessage()); // never the value: it may be a pasted secret
        }
    }

    /** The secret a configured reference names; 503 when it cannot be read. */
    public Secret resolve(String reference) {
        Secret secret = resolveOrNull(reference);
        if (secret == null) {
            throw unavailable();
        }
        return secret;
    }

    /** The secret, or null (logged) when it cannot be read: for senders with several secrets. */
    public Secret resolveOrNull(String reference) {
        try {
            return resolver.resolve(SecretRef.parse(reference.trim()));
        } catch (PermanentException | IllegalArgumentException e) {
            LOG.warnf("webhook secret unavailable: %s", e.getMessage());
            return null;
        }
    }

    public static WebhookRefusal unavailable() {
        return new WebhookRefusal(
                503,
                "webhook_secret_unavailable",
                "The receiver's secret cannot be read right now; the operator must fix masync.webhooks.*. Retry later.");
    }
}
