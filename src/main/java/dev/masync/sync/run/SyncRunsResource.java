package dev.masync.sync.run;

import dev.masync.audit.AuditLog;
import dev.masync.platform.Cursors;
import dev.masync.platform.Page;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ListParams;
import dev.masync.sync.SyncService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Starting a sync's runs and reading its run history. */
@Path("/api/v1/syncs/{key}/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runs")
public class SyncRunsResource {
    private final RunCoordinator coordinator;
    private final SyncService syncs;
    private final SecurityIdentity identity;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final AuditLog audit;

    SyncRunsResource(
            RunCoordinator coordinator,
            SyncService syncs,
            SecurityIdentity identity,
            com.fasterxml.jackson.databind.ObjectMapper json,
            AuditLog audit) {
        this.json = json;
        this.audit = audit;
        this.coordinator = coordinator;
        this.syncs = syncs;
        this.identity = identity;
    }

    /** How to run: all optional, default false. */
    public record RunRequest(Boolean dryRun, Boolean fullResync, Boolean force) {
        RunEngine.Options options() {
            return new RunEngine.Options(
                    Boolean.TRUE.equals(dryRun), Boolean.TRUE.equals(fullResync), Boolean.TRUE.equals(force));
        }
    }

    /** The longest {@code wait} a start may ask for. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    @APIResponse(
            responseCode = "202",
            description = "Started (or still running after wait); Location names the run, poll it until its status is"
                    + " no longer running; a dry run's answer names where its samples appear (samplesAt)",
            headers = @Header(name = "Location", description = "the run", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RunView.class)))
    @APIResponse(
            responseCode = "200",
            description = "with wait=N: the run ended within N seconds; the ended run (a dry run with its samples)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RunView.class)))
    @APIResponse(responseCode = "409", description = "run_in_progress: the sync runs already")
    @APIResponse(responseCode = "503", description = "shutting_down: ask again once the daemon is back")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("editor")
    @Operation(
            summary = "Start a run now (body optional) → 202 with the run (a dry run's answer says where its samples"
                    + " appear); with wait=N (seconds, at most 30) 200 with the ended run if it ends within N seconds;"
                    + " 409 run_in_progress if it runs already")
    public Response start(
            @PathParam("key") String key,
            @Parameter(
                            description = "Seconds (0 to 30, default 0) to wait for the run to end; if it ends in"
                                    + " time the answer is 200 with the ended run")
                    @QueryParam("wait")
                    String waitParam,
            @RequestBody(
                            required = false,
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = RunRequest.class)))
                    String body)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        Duration wait = wait(waitParam);
        // the body is optional (curl -X POST …/runs), so it is read here rather than by a JSON-only reader
        RunRequest r = body == null || body.isBlank() ? new RunRequest(false, false, false) : parse(body);
        syncs.find(key);
        SyncRunEntity run = coordinator.start(key, RunTrigger.API, r.options(), actor());
        if (r.options().force() || r.options().fullResync()) {
            // these override the guard, the freshness gate or the state: who asked is kept
            RunView started = RunView.of(run);
            QuarkusTransaction.requiringNew().run(() -> audit.record("sync.run_start", "sync", key, null, started));
        }
        URI location = URI.create(RunView.url(run.id));
        if (!wait.isZero() && coordinator.awaitEnd(run.id, wait)) {
            long id = run.id;
            RunView now = QuarkusTransaction.requiringNew().call(() -> RunView.of(SyncRunEntity.findById(id)));
            if (!RunStatus.RUNNING.json().equals(now.status())) {
                return Response.ok(now.withSamplesAt()).location(location).build();
            }
        }
        return Response.accepted(RunView.of(run).withSamplesAt())
                .location(location)
                .build();
    }

    /** {@code wait}: whole seconds from 0 to {@link #MAX_WAIT}; absent is 0 (answer at once). */
    static Duration wait(String raw) {
        if (raw == null) {
            return Duration.ZERO;
        }
        String v = raw.trim();
        if (v.matches("\\d{1,9}") && Long.parseLong(v) <= MAX_WAIT.toSeconds()) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        throw ApiException.badRequest(
                "invalid_wait",
                "Query parameter 'wait' must be a whole number of seconds from 0 to " + MAX_WAIT.toSeconds()
                        + " (how long to wait for the run to end; default 0); got '"
                        + (raw.length() > 40 ? raw.substring(0, 40) + "…" : raw) + "'.");
    }

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "Run history of a sync, newest first, a page at a time")
    public Page<RunView> history(
            @PathParam("key") String key, @QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        int limit = ListParams.limit(limitParam, 20, ListParams.MAX_LIMIT);
        Long before = Cursors.id(cursor, null, null);
        syncs.find(key);
        List<SyncRunEntity> rows = (before == null
                        ? SyncRunEntity.<SyncRunEntity>find("syncKey", Sort.descending("id"), key)
                        : SyncRunEntity.<SyncRunEntity>find(
                                "syncKey = ?1 and id < ?2", Sort.descending("id"), key, before))
                .range(0, limit)
                .list();
        return Cursors.page(rows, limit, RunView::of, r -> Cursors.ofId(r.id));
    }

    /** Only the three flags, each true or false: Jackson would take {@code 1} or {@code "yes"} for a boolean. */
    private RunRequest parse(String body) throws com.fasterxml.jackson.core.JsonProcessingException {
        com.fasterxml.jackson.databind.JsonNode node = json.readTree(body);
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("invalid_type", "Send a JSON object such as {\"dryRun\": true}, or no body.");
        }
        java.util.List<dev.masync.platform.problem.ProblemError> errors = new java.util.ArrayList<>();
        java.util.Map<String, Boolean> flags = new java.util.HashMap<>();
        node.fields().forEachRemaining(f -> {
            if (!List.of("dryRun", "fullResync", "force").contains(f.getKey())) {
                errors.add(new dev.masync.platform.problem.ProblemError(
                        "/" + f.getKey(), "unknown field; allowed: dryRun, fullResync, force"));
            } else if (!f.getValue().isBoolean() && !f.getValue().isNull()) {
                errors.add(new dev.masync.platform.problem.ProblemError("/" + f.getKey(), "must be true or false"));
            } else {
                flags.put(
                        f.getKey(), f.getValue().isNull() ? null : f.getValue().asBoolean());
            }
        });
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("The run request is not valid; see errors.", errors);
        }
        return new RunRequest(flags.get("dryRun"), flags.get("fullResync"), flags.get("force"));
    }

    private String actor() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }
}
