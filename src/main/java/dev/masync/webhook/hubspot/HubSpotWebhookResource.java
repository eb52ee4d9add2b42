package dev.masync.webhook.hubspot;

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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.Set;

/**
 * {@code POST /webhooks/hubspot}: HubSpot app webhooks, authenticated by signature v3 (no API key), contact events
 * stored in the inbox before the 200 answer.
 */
@Path("/webhooks/hubspot")
@PermitAll
public class HubSpotWebhookResource {
    private final Receipts receipts;
    private final WebhooksConfig config;
    private final WebhookSecrets secrets;

    HubSpotWebhookResource(Receipts receipts, WebhooksConfig config, WebhookSecrets secrets) {
        this.receipts = receipts;
        this.config = config;
        this.secrets = secrets;
    }

    @POST
    public Response receive(InputStream body, @Context RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        return receipts.handle(HubSpotEvents.SOURCE, ProblemAnswers.INSTANCE, ctx, now -> {
            WebhooksConfig.HubSpot hubspot = config.hubspot();
            if (!hubspot.enabled() || hubspot.clientSecret().isEmpty()) {
                throw WebhookRefusal.notConfigured("hubspot");
            }
            RequestBody.requireType(request.getHeader(HttpHeaders.CONTENT_TYPE), Set.of("application/json"));
            byte[] bytes = RequestBody.read(body, request.getHeader(HttpHeaders.CONTENT_LENGTH), config.maxBodyBytes());
            HubSpotSignature.verify(
                    secrets.resolve(hubspot.clientSecret().get()).utf8(),
                    request.method().name(),
                    calledUri(request),
                    bytes,
                    request.getHeader(HubSpotSignature.SIGNATURE),
                    request.getHeader(HubSpotSignature.TIMESTAMP),
                    now,
                    config.timestampTolerance());
            return HubSpotEvents.parse(bytes);
        });
    }

    /** The URL HubSpot called: the configured public URL (or scheme and Host) and the raw path and query. */
    String calledUri(HttpServerRequest request) {
        String raw = request.uri();
        int scheme = raw.indexOf("://");
        if (scheme > 0 && !raw.startsWith("/")) { // absolute-form request line
            int path = raw.indexOf('/', scheme + 3);
            raw = path < 0 ? "/" : raw.substring(path);
        }
        String base = config.publicUrl()
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
                .orElseGet(() -> request.scheme() + "://" + request.getHeader(HttpHeaders.HOST));
        return base + raw;
    }
}
