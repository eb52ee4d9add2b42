package dev.masync.destination;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

/**
 * The body of {@code POST} and {@code PUT /api/v1/destinations}, for the OpenAPI document. The service reads the
 * body itself ({@link DestinationValidator}) so that every error is reported at once, with a pointer.
 */
@Schema(
        name = "DestinationRequest",
        description = "A destination definition; the same shape as the files in"
                + " connectors/destinations/. Unknown fields are refused.")
public record DestinationRequest(
        @Schema(description = "[a-z][a-z0-9_]{0,99}; on PUT it may be omitted", example = "crm_hook")
        String key,

        @Schema(description = "a human name", example = "CRM webhook")
        String name,

        @Schema(description = "a connector type", example = "webhook")
        String type,

        @Schema(
                description = "the connector's settings, all strings; secrets only as env:NAME or file:/path",
                example = "{\"url\": \"https://example.test/hook\", \"secret\": \"env:CRM_HOOK_SECRET\"}")
        Map<String, String> settings,

        @Schema(description = "largest batch, 1 to the connector's limit; default the limit", example = "100")
        Integer batchSize,

        @Schema(description = "requests the destination account accepts per period")
        RateLimit rateLimit) {

    public record RateLimit(
            @Schema(example = "190") Integer requests,

            @Schema(description = "ISO-8601 duration between PT1S and P1D", example = "PT10S")
            String per) {}
}
