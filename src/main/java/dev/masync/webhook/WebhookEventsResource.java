package dev.masync.webhook;

import dev.masync.audit.AuditLog;
import dev.masync.platform.Cursors;
import dev.masync.platform.Page;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ListParams;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The webhook inbox for operators: recent events and their outcome, one event in full, retrying a quarantined one. */
@Path("/api/v1/webhooks/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "webhooks")
public class WebhookEventsResource {
    static final int MAX_LIMIT = 500;
    private static final Pattern ID = Pattern.compile("\\d{1,18}");

    private final InboxEvents events;
    private final AuditLog audit;
    private final Clock clock;

    WebhookEventsResource(InboxEvents events, AuditLog audit, Clock clock) {
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "Webhook events newest first, with their status and outcome; filter by status and source")
    public Page<InboxEvents.EventSummary> list(
            @QueryParam("status") String status,
            @QueryParam("source") String source,
            @QueryParam("limit") String limitParam,
            @QueryParam("cursor") String cursor,
            @Parameter(deprecated = true, description = "Old name of cursor: the last id of the previous page")
                    @QueryParam("before")
                    String beforeParam) {
        int limit = ListParams.limit(limitParam, 50, MAX_LIMIT);
        Long before = Cursors.id(cursor, "before", beforeParam);
        List<InboxEvents.EventSummary> rows = events.list(status(status), source(source), before, limit);
        return Cursors.page(rows, limit, e -> e, e -> Cursors.ofId(e.id()));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed("viewer")
    @Operation(summary = "One webhook event in full: payload, identities, attempts, error and outcome")
    public InboxEvents.EventDetail get(@PathParam("id") String id) {
        long n = id(id);
        return events.find(n).orElseThrow(() -> notFound(id));
    }

    @APIResponse(
            responseCode = "200",
            description = "OK",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = InboxEvents.EventDetail.class)))
    @APIResponse(
            responseCode = "409",
            description = "webhook_event_not_quarantined: only a quarantined event can be retried")
    @POST
    @Path("/{id}/retry")
    @RolesAllowed("editor")
    @Operation(summary = "Put a quarantined event back to pending (attempts reset); 409 if it is not quarantined")
    public InboxEvents.EventDetail retry(@PathParam("id") String id) {
        long n = id(id);
        InboxEvents.EventDetail before = events.find(n).orElseThrow(() -> notFound(id));
        InboxEvents.Retry r = events.retry(
                n,
                clock.instant(),
                () -> audit.record(
                        "webhook_event.retry",
                        "webhook_event",
                        Long.toString(n),
                        audited(before),
                        java.util.Map.of("status", InboxRows.PENDING)));
        return switch (r) {
            case RETRIED -> events.find(n).orElseThrow(() -> notFound(id));
            case NOT_FOUND -> throw notFound(id);
            case NOT_QUARANTINED ->
                throw ApiException.conflict(
                        "webhook_event_not_quarantined",
                        "Webhook event " + n + " is "
                                + events.find(n)
                                        .map(InboxEvents.EventDetail::status)
                                        .orElse("gone")
                                + "; only a quarantined event can be retried (pending and processing events are retried"
                                + " on their own).");
        };
    }

    /** What the audit log keeps of the event: no payload or identities (they may carry personal data). */
    private static java.util.Map<String, Object> audited(InboxEvents.EventDetail e) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("source", e.source());
        m.put("status", e.status());
        m.put("attempts", e.attempts());
        m.put("lastError", e.lastError());
        return m;
    }

    private static long id(String raw) {
        String v = raw.trim();
        if (ID.matcher(v).matches()) {
            long n = Long.parseLong(v);
            if (n >= 1) return n;
        }
        throw ApiException.notFound(
                "webhook_event_not_found",
                "No webhook event '" + printable(raw) + "'; event ids are positive numbers.");
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound(
                "webhook_event_not_found",
                "No webhook event " + printable(id) + "; it may have been deleted by retention. List them with GET"
                        + " /api/v1/webhooks/events.");
    }

    private static String status(String raw) {
        if (raw == null || raw.isBlank()) return null;
        String v = raw.trim().toLowerCase(Locale.ROOT);
        if (!InboxEvents.STATUSES.contains(v))
            throw ApiException.badRequest(
                    "invalid_filter",
                    "Query parameter 'status' must be one of " + String.join(", ", InboxEvents.STATUSES) + "; got '"
                            + printable(raw) + "'.");
        return v;
    }

    private static String source(String raw) {
        if (raw == null || raw.isBlank()) return null;
        String v = raw.trim();
        if (v.length() > 200 || v.chars().anyMatch(Character::isISOControl))
            throw ApiException.badRequest(
                    "invalid_filter",
                    "Query parameter 'source' must be a source such as hubspot, salesforce or generic:<name> (at most"
                            + " 200 characters); got '" + printable(raw) + "'.");
        return v;
    }

    private static String printable(String s) {
        String p = s.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return p.length() <= 40 ? p : p.substring(0, 40) + "…";
    }
}
