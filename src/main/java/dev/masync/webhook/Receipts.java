package dev.masync.webhook;

import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

/**
 * The path every delivery takes: count it, let the receiver check and parse it, hand its events to the
 * {@link WebhookInbox} and answer only after the inbox returned. A refusal is counted with its reason and answered in
 * the sender's error shape; an inbox that cannot store answers 503 {@code inbox_unavailable} so the sender retries.
 */
@ApplicationScoped
public class Receipts {
    private static final Logger LOG = Logger.getLogger(Receipts.class);

    private final WebhookInbox inbox;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final Arrivals arrivals;

    Receipts(WebhookInbox inbox, WebhookMetrics metrics, Clock clock, Arrivals arrivals) {
        this.inbox = inbox;
        this.metrics = metrics;
        this.clock = clock;
        this.arrivals = arrivals;
    }

    /**
     * @param source  the metrics' source tag
     * @param request the request's routing context, closed after a 413 answer so the rest of a large body is not read
     * @param receive checks and parses the delivery at the given receive time, throwing {@link WebhookRefusal}
     */
    public Response handle(
            String source, ReceiptAnswers answers, RoutingContext request, Function<Instant, Delivery> receive) {
        metrics.received(source);
        Instant now = clock.instant();
        Delivery delivery;
        try {
            delivery = receive.apply(now);
        } catch (WebhookRefusal refusal) {
            return refuse(source, answers, request, refusal);
        }
        WebhookInbox.Accepted accepted;
        try {
            accepted = delivery.events().isEmpty()
                    ? new WebhookInbox.Accepted(0, 0)
                    : inbox.accept(delivery.events(), now);
        } catch (IllegalArgumentException e) {
            // a value longer than the inbox keeps: the sender's input, so a 4xx (a 5xx would be retried forever)
            return refuse(
                    source,
                    answers,
                    request,
                    new WebhookRefusal(
                            400,
                            "event_value_too_long",
                            "An event of the delivery is too large to keep (" + e.getMessage()
                                    + "); nothing was stored. Send the event with shorter values."));
        } catch (RuntimeException e) {
            LOG.errorf(
                    e,
                    "webhook inbox could not store %d %s event(s)",
                    delivery.events().size(),
                    source);
            return refuse(
                    source,
                    answers,
                    request,
                    new WebhookRefusal(
                            503,
                            "inbox_unavailable",
                            "The events could not be stored right now; nothing was kept. Retry the delivery."));
        }
        if (accepted.stored() > 0) arrivals.arrived();
        metrics.ignored(source, delivery.ignored());
        return answers.accepted(delivery, accepted);
    }

    private Response refuse(String source, ReceiptAnswers answers, RoutingContext request, WebhookRefusal refusal) {
        metrics.rejected(source, refusal.code());
        if (refusal.status() == 413 && request != null) {
            // do not read the rest of an oversized body to keep the connection: close it after the answer
            request.response().putHeader("Connection", "close");
            request.addEndHandler(done -> request.request().connection().close());
        }
        return answers.refused(refusal);
    }
}
