package dev.masync.connector.bench;

import java.time.Duration;
import java.util.Optional;

/**
 * The benchmark's flags that shape the vendors' fakes and destinations.
 *
 * @param retryAfter     HubSpot's {@code Retry-After} on throttle answers in the faults scenario, seconds
 * @param sfRequests     Salesforce calls per {@code sfPer} ({@code --sf-rate})
 * @param sfPer          Salesforce's rate window
 * @param bulkRate       the Salesforce fake's Bulk API 2.0 rows per second
 * @param engineBatch    the destinations' {@code batchSize}, or empty for the connector's own limit
 * @param brazeRequests  Braze {@code /users/track} requests per {@code brazePer} ({@code --braze-rate})
 * @param brazePer       Braze's fixed rate window (whole seconds)
 * @param brazeLatency   the Braze fake's service time per request
 * @param marketoLatency the Marketo fake's service time per call (~300 ms in production)
 */
record VendorOptions(
        int retryAfter,
        int sfRequests,
        Duration sfPer,
        int bulkRate,
        Optional<Integer> engineBatch,
        int brazeRequests,
        Duration brazePer,
        Duration brazeLatency,
        Duration marketoLatency) {}
