package dev.masync.webhook.generic;

import dev.masync.connector.spi.Secret;
import dev.masync.webhook.ProblemAnswers;
import dev.masync.webhook.Receipts;
import dev.masync.webhook.RequestBody;
import dev.masync.webhook.WebhookRefusal;
import dev.masync.webhook.WebhookSecrets;
import dev.masync.webhook.WebhooksConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /webhooks/generic/{source}}: any sender that signs as Standard Webhooks, with our event shape
 * ({@link GenericEvents}); events are stored under source {@code generic:<source>}.
 */
@Path("/webhooks/generic/{source}")
@PermitAll
public class GenericWebhookResource {
    private final Receipts receipts;
    private final WebhooksConfig config;
    private final WebhookSecrets secrets;

    GenericWebhookResource(Receipts receipts, WebhooksConfig config, WebhookSecrets secrets) {
        this.receipts = receipts;
        this.config = config;
        this.secrets = secrets;
    }

    @POST
    public Response receive(@PathParam("source") String name, InputStream body, @Context RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        WebhooksConfig.Generic sender = config.generic().get(name);
        boolean known = sender != null && sender.enabled() && !sender.secrets().isEmpty();
        String source = "generic:" + name;
        return receipts.handle(known ? source : "generic", ProblemAnswers.INSTANCE, ctx, now -> {
            if (!known) {
                throw new WebhookRefusal(
                        404,
                        "webhook_not_configured",
                        "No generic webhook source of this name is configured; set"
                                + " masync.webhooks.generic.\"<source>\".secrets (README, \"Inbound CRM webhooks\").");
            }
            RequestBody.requireType(request.getHeader(HttpHeaders.CONTENT_TYPE), Set.of("application/json"));
            byte[] bytes = RequestBody.read(body, request.getHeader(HttpHeaders.CONTENT_LENGTH), config.maxBodyBytes());
            String id = request.getHeader(StandardWebhookSignature.ID);
            StandardWebhookSignature.verify(
                    keys(sender.secrets()),
                    id,
                    request.getHeader(StandardWebhookSignature.TIMESTAMP),
                    request.getHeader(StandardWebhookSignature.SIGNATURE),
                    bytes,
                    now,
                    config.timestampTolerance());
            return GenericEvents.parse(source, id.trim(), bytes, now);
        });
    }

    /** The keys of every readable secret; 503 when none is. */
    private List<byte[]> keys(List<String> refs) {
        List<byte[]> keys = new ArrayList<>();
        for (String ref : refs) {
            Secret secret = secrets.resolveOrNull(ref);
            if (secret == null) {
                continue;
            }
            try {
                keys.add(StandardWebhookSignature.key(secret.reveal()));
            } catch (IllegalArgumentException e) {
                org.jboss.logging.Logger.getLogger(GenericWebhookResource.class)
                        .warnf("webhook secret %s is not whsec_<base64>; it is skipped", ref);
            }
        }
        if (keys.isEmpty()) {
            throw WebhookSecrets.unavailable();
        }
        return keys;
    }
}
