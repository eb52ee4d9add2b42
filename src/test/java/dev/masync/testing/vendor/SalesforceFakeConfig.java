package dev.masync.testing.vendor;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SalesforceFake} behaves. Defaults follow connectors/salesforce/NOTES.md; what the design notes mark
 * UNCONFIRMED is a setting here.
 *
 * @param minApiVersion lowest {@code vXX.X} served (collection upsert needs 46.0 regardless)
 * @param maxApiVersion highest {@code vXX.X} served
 * @param maxCollectionRecords records per sObject Collections request (200)
 * @param sessionTimeout access token lifetime (the org's session timeout; 2 h is UNCONFIRMED)
 * @param slidingSession whether use extends a session (Salesforce sessions do; off keeps expiry predictable)
 * @param dailyApiLimit API requests per rolling 24 h ({@code Sforce-Limit-Info} {@code api-usage=n/m})
 * @param maxConcurrent API requests in flight at once (Salesforce counts only requests running 20 s or more;
 *     the fake counts all, so set it to what the test holds open)
 * @param jwtAudience the {@code aud} a JWT bearer assertion must carry
 * @param jwtMaxAhead how far ahead {@code exp} may be ({@code null}: no bound; the 3-minute rule is UNCONFIRMED)
 * @param bulkQueueDelay time from UploadComplete to InProgress
 * @param bulkProcessingTime time from InProgress to JobComplete
 * @param bulkMaxUploadBytes bytes per CSV upload (150 MB)
 * @param reverseBulkResults answer result CSV rows in reverse order (row order is not guaranteed)
 * @param tooManyRecordsCode {@code errorCode} of the over-cap 400 (UNCONFIRMED)
 * @param duplicateInRequestCode per-record {@code statusCode} when one request names an external id twice
 *     (UNCONFIRMED)
 * @param ambiguousCode per-record {@code statusCode} when an external id matches several records (collections)
 */
public record SalesforceFakeConfig(
        double minApiVersion,
        double maxApiVersion,
        int maxCollectionRecords,
        Duration sessionTimeout,
        boolean slidingSession,
        long dailyApiLimit,
        int maxConcurrent,
        String jwtAudience,
        Duration jwtMaxAhead,
        Duration bulkQueueDelay,
        Duration bulkProcessingTime,
        long bulkMaxUploadBytes,
        boolean reverseBulkResults,
        String tooManyRecordsCode,
        String duplicateInRequestCode,
        String ambiguousCode) {

    public SalesforceFakeConfig {
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(jwtAudience, "jwtAudience");
        Objects.requireNonNull(bulkQueueDelay, "bulkQueueDelay");
        Objects.requireNonNull(bulkProcessingTime, "bulkProcessingTime");
        if (maxCollectionRecords < 1 || maxConcurrent < 1) throw new IllegalArgumentException("caps must be >= 1");
    }

    public static SalesforceFakeConfig defaults() {
        return new SalesforceFakeConfig(
                31.0,
                66.0,
                200,
                Duration.ofHours(2),
                false,
                100_000,
                25,
                "https://login.salesforce.com",
                Duration.ofMinutes(3),
                Duration.ZERO,
                Duration.ofSeconds(5),
                150L * 1024 * 1024,
                false,
                "EXCEEDED_ID_LIMIT",
                "DUPLICATE_VALUE",
                "DUPLICATE_EXTERNAL_ID");
    }

    /** Records per sObject Collections request: lower it to provoke the over-cap 400 (a whole-request refusal). */
    public SalesforceFakeConfig withMaxCollectionRecords(int max) {
        return new SalesforceFakeConfig(
                minApiVersion,
                maxApiVersion,
                max,
                sessionTimeout,
                slidingSession,
                dailyApiLimit,
                maxConcurrent,
                jwtAudience,
                jwtMaxAhead,
                bulkQueueDelay,
                bulkProcessingTime,
                bulkMaxUploadBytes,
                reverseBulkResults,
                tooManyRecordsCode,
                duplicateInRequestCode,
                ambiguousCode);
    }

    public SalesforceFakeConfig withSession(Duration timeout, boolean sliding) {
        return new SalesforceFakeConfig(
                minApiVersion,
                maxApiVersion,
                maxCollectionRecords,
                timeout,
                sliding,
                dailyApiLimit,
                maxConcurrent,
                jwtAudience,
                jwtMaxAhead,
                bulkQueueDelay,
                bulkProcessingTime,
                bulkMaxUploadBytes,
                reverseBulkResults,
                tooManyRecordsCode,
                duplicateInRequestCode,
                ambiguousCode);
    }

    public SalesforceFakeConfig withLimits(long daily, int concurrent) {
        return new SalesforceFakeConfig(
                minApiVersion,
                maxApiVersion,
                maxCollectionRecords,
                sessionTimeout,
                slidingSession,
                daily,
                concurrent,
                jwtAudience,
                jwtMaxAhead,
                bulkQueueDelay,
                bulkProcessingTime,
                bulkMaxUploadBytes,
                reverseBulkResults,
                tooManyRecordsCode,
                duplicateInRequestCode,
                ambiguousCode);
    }

    public SalesforceFakeConfig withBulkTiming(Duration queue, Duration processing) {
        return new SalesforceFakeConfig(
                minApiVersion,
                maxApiVersion,
                maxCollectionRecords,
                sessionTimeout,
                slidingSession,
                dailyApiLimit,
                maxConcurrent,
                jwtAudience,
                jwtMaxAhead,
                queue,
                processing,
                bulkMaxUploadBytes,
                reverseBulkResults,
                tooManyRecordsCode,
                duplicateInRequestCode,
                ambiguousCode);
    }

    public SalesforceFakeConfig withJwt(String audience, Duration maxAhead) {
        return new SalesforceFakeConfig(
                minApiVersion,
                maxApiVersion,
                maxCollectionRecords,
                sessionTimeout,
                slidingSession,
                dailyApiLimit,
                maxConcurrent,
                audience,
                maxAhead,
                bulkQueueDelay,
                bulkProcessingTime,
                bulkMaxUploadBytes,
                reverseBulkResults,
                tooManyRecordsCode,
                duplicateInRequestCode,
                ambiguousCode);
    }

    public SalesforceFakeConfig withReverseBulkResults(boolean reverse) {
        return new SalesforceFakeConfig(
                minApiVersion,
                maxApiVersion,
                maxCollectionRecords,
                sessionTimeout,
                slidingSession,
                dailyApiLimit,
                maxConcurrent,
                jwtAudience,
                jwtMaxAhead,
                bulkQueueDelay,
                bulkProcessingTime,
                bulkMaxUploadBytes,
                reverse,
                tooManyRecordsCode,
                duplicateInRequestCode,
                ambiguousCode);
    }

    public SalesforceFakeConfig withCodes(String tooManyRecords, String duplicateInRequest, String ambiguous) {
        return new SalesforceFakeConfig(
                minApiVersion,
                maxApiVersion,
                maxCollectionRecords,
                sessionTimeout,
                slidingSession,
                dailyApiLimit,
                maxConcurrent,
                jwtAudience,
                jwtMaxAhead,
                bulkQueueDelay,
                bulkProcessingTime,
                bulkMaxUploadBytes,
                reverseBulkResults,
                tooManyRecords,
                duplicateInRequest,
                ambiguous);
    }
}
