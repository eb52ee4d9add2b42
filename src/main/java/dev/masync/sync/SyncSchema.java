package dev.masync.sync;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * A sync definition as the OpenAPI document shows it (documentation only: {@link SyncDefinitionParser} reads the
 * body so that every error is reported at once, with a pointer). The same shape as {@code connectors/syncs/*.yaml}.
 */
@Schema(
        name = "SyncDefinition",
        description = "A sync: which segment goes to which destination, how learners are identified there, what is"
                + " sent and when. Unknown fields are refused.")
public record SyncSchema(
        @Schema(description = "[a-z][a-z0-9_]*; on PUT it may be omitted", example = "math_slipping_crm")
        String key,

        @Schema(description = "a label; default the key") String name,

        @Schema(required = true, description = "the key of the saved segment sent", example = "math_slipping")
        String segment,

        @Schema(
                required = true,
                description = "the key of the destination it goes to (GET /api/v1/destinations)",
                example = "crm_hook")
        String destination,

        Identity identity,
        List<Mapping> mapping,
        Membership membership,

        @Schema(
                enumeration = {"upsert", "update", "mirror"},
                defaultValue = "upsert")
        String mode,

        Schedule schedule,

        @Schema(description = "scheduled runs wait while true (API runs still run)", defaultValue = "false")
        Boolean paused,

        Guard guard,
        Freshness freshness,

        @Schema(description = "a run's budget of warehouse bytes billed (BigQuery)", minimum = "1")
        Long maxBytesBilled) {

    @Schema(
            name = "SyncIdentity",
            description = "Which warehouse attribute holds the record's key at the destination (its recordKey), and"
                    + " the destination's name for it; default the learner key")
    public record Identity(
            @Schema(example = "email") String attribute,
            @Schema(example = "email") String field,

            @Schema(description = "what the identity is (the connector lists the kinds it accepts)")
            String kind) {}

    @Schema(name = "SyncMapping", description = "One attribute sent as one destination field")
    public record Mapping(
            @Schema(required = true, description = "a catalog attribute")
            String source,

            @Schema(required = true, description = "the destination's field, each written once")
            String target,

            @Schema(
                    enumeration = {"auto", "date", "datetime", "epoch_millis", "string"},
                    defaultValue = "auto")
            String format) {}

    @Schema(
            name = "SyncMembership",
            description = "How membership shows at the destination; without it leavers are removed")
    public record Membership(
            @Schema(
                    required = true,
                    enumeration = {"boolean", "value", "list"})
            String style,

            @Schema(required = true) String field,

            @Schema(description = "for style value (and list, where the connector takes one)")
            String value) {}

    @Schema(name = "SyncSchedule", description = "Either every (PT10S to P31D) or cron (five, six or seven fields)")
    public record Schedule(
            @Schema(example = "PT15M") String every,
            @Schema(example = "0 6 * * *") String cron) {}

    @Schema(name = "SyncGuard", description = "A run that would remove or change more than this share stops first")
    public record Guard(
            @Schema(defaultValue = "20") Double maxLeavePercent,
            @Schema(defaultValue = "50") Double maxChangePercent,
            @Schema(defaultValue = "100") Integer minPreviousMembers) {}

    @Schema(name = "SyncFreshness", description = "Skip scheduled runs while the warehouse has not moved")
    public record Freshness(
            @Schema(required = true, description = "a date or timestamp attribute")
            String attribute,

            @Schema(description = "ISO-8601 duration", example = "P1D")
            String maxAge) {}
}
