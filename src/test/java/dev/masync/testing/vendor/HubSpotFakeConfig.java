package dev.masync.testing.vendor;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link HubSpotFake} behaves. Defaults follow connectors/hubspot/NOTES.md (a Professional account); what the
 * design notes mark UNCONFIRMED is a setting here, its default the likeliest reading.
 *
 * @param burstMax requests per {@code burstInterval} per app (the {@code TEN_SECONDLY_ROLLING} policy)
 * @param burstInterval the rolling window of {@code burstMax}
 * @param dailyMax requests per account per day ({@code DAILY}), reset at midnight in {@code accountZone}
 * @param accountZone the account's time zone
 * @param maxBatchInputs inputs per batch call (100)
 * @param accessTokenTtl OAuth access token lifetime ({@code expires_in}, 30 minutes)
 * @param privateAppTokenTtl lifetime of private-app tokens, {@code null} for none (UNCONFIRMED)
 * @param retryAfterSeconds a {@code Retry-After} on 429s, {@code null} for none (UNCONFIRMED)
 * @param rateHeaders whether API answers carry {@code X-HubSpot-RateLimit-*} (HubSpot may omit them)
 * @param dailyHeadersForOAuth whether OAuth calls get the {@code -Daily} headers (absent per the usage guidelines)
 * @param duplicateIds what a batch with the same key twice gets (UNCONFIRMED)
 * @param reverseResults answer batch results in reverse input order (ordering is UNCONFIRMED: connectors must key by id)
 * @param caseInsensitiveEmails match and store e-mail keys lower-cased
 * @param maxValueChars longest property value (UNCONFIRMED)
 * @param maxListIds record ids per list membership call (UNCONFIRMED)
 * @param authFailureCategory {@code category} of a 401 for a missing, unknown or revoked token (UNCONFIRMED)
 * @param expiredCategory {@code category} of a 401 for an expired token (UNCONFIRMED)
 * @param codes inner {@code errors[].code} spellings (UNCONFIRMED)
 * @param pathVersions accepted date versions in {@code /crm/objects/{version}/...} paths, next to {@code /crm/v3}
 * @param firstRecordId the first contact id handed out
 */
public record HubSpotFakeConfig(
        int burstMax,
        Duration burstInterval,
        long dailyMax,
        ZoneId accountZone,
        int maxBatchInputs,
        Duration accessTokenTtl,
        Duration privateAppTokenTtl,
        Integer retryAfterSeconds,
        boolean rateHeaders,
        boolean dailyHeadersForOAuth,
        DuplicateIds duplicateIds,
        boolean reverseResults,
        boolean caseInsensitiveEmails,
        int maxValueChars,
        int maxListIds,
        String authFailureCategory,
        String expiredCategory,
        ErrorCodes codes,
        Set<String> pathVersions,
        long firstRecordId) {

    /** What a batch that names one key twice gets. */
    public enum DuplicateIds {
        /** 400 for the whole batch, nothing applied. */
        REJECT_BATCH,
        /** Every repeat is a per-record error. */
        ERROR_PER_RECORD,
        /** Applied in order, the last one wins. */
        LAST_WINS
    }

    /** Inner error codes of per-record validation errors. */
    public record ErrorCodes(
            String invalidEmail,
            String propertyDoesntExist,
            String readOnlyValue,
            String invalidOption,
            String invalidNumber,
            String invalidDate,
            String tooLong,
            String duplicateId) {
        public static ErrorCodes defaults() {
            return new ErrorCodes(
                    "INVALID_EMAIL",
                    "PROPERTY_DOESNT_EXIST",
                    "READ_ONLY_VALUE",
                    "INVALID_OPTION",
                    "INVALID_INTEGER",
                    "INVALID_DATE",
                    "INVALID_STRING_TOO_LONG",
                    "DUPLICATE_ID");
        }
    }

    public HubSpotFakeConfig {
        if (burstMax < 1) throw new IllegalArgumentException("burstMax must be >= 1");
        Objects.requireNonNull(burstInterval, "burstInterval");
        Objects.requireNonNull(accountZone, "accountZone");
        Objects.requireNonNull(accessTokenTtl, "accessTokenTtl");
        Objects.requireNonNull(duplicateIds, "duplicateIds");
        Objects.requireNonNull(codes, "codes");
        pathVersions = Set.copyOf(pathVersions);
    }

    /** A Professional account: 190 per 10 s, 650,000 a day, 100 inputs, 30-minute OAuth tokens. */
    public static HubSpotFakeConfig defaults() {
        return new HubSpotFakeConfig(
                190,
                Duration.ofSeconds(10),
                650_000,
                ZoneOffset.UTC,
                100,
                Duration.ofMinutes(30),
                null,
                null,
                true,
                false,
                DuplicateIds.REJECT_BATCH,
                false,
                true,
                65_536,
                100_000,
                "INVALID_AUTHENTICATION",
                "INVALID_AUTHENTICATION",
                ErrorCodes.defaults(),
                Set.of("2026-03"),
                5101);
    }

    public HubSpotFakeConfig withBurst(int max, Duration interval) {
        return new HubSpotFakeConfig(
                max,
                interval,
                dailyMax,
                accountZone,
                maxBatchInputs,
                accessTokenTtl,
                privateAppTokenTtl,
                retryAfterSeconds,
                rateHeaders,
                dailyHeadersForOAuth,
                duplicateIds,
                reverseResults,
                caseInsensitiveEmails,
                maxValueChars,
                maxListIds,
                authFailureCategory,
                expiredCategory,
                codes,
                pathVersions,
                firstRecordId);
    }

    public HubSpotFakeConfig withDaily(long max, ZoneId zone) {
        return new HubSpotFakeConfig(
                burstMax,
                burstInterval,
                max,
                zone,
                maxBatchInputs,
                accessTokenTtl,
                privateAppTokenTtl,
                retryAfterSeconds,
                rateHeaders,
                dailyHeadersForOAuth,
                duplicateIds,
                reverseResults,
                caseInsensitiveEmails,
                maxValueChars,
                maxListIds,
                authFailureCategory,
                expiredCategory,
                codes,
                pathVersions,
                firstRecordId);
    }

    public HubSpotFakeConfig withTokenTtls(Duration accessToken, Duration privateAppToken) {
        return new HubSpotFakeConfig(
                burstMax,
                burstInterval,
                dailyMax,
                accountZone,
                maxBatchInputs,
                accessToken,
                privateAppToken,
                retryAfterSeconds,
                rateHeaders,
                dailyHeadersForOAuth,
                duplicateIds,
                reverseResults,
                caseInsensitiveEmails,
                maxValueChars,
                maxListIds,
                authFailureCategory,
                expiredCategory,
                codes,
                pathVersions,
                firstRecordId);
    }

    public HubSpotFakeConfig withRetryAfter(Integer seconds) {
        return new HubSpotFakeConfig(
                burstMax,
                burstInterval,
                dailyMax,
                accountZone,
                maxBatchInputs,
                accessTokenTtl,
                privateAppTokenTtl,
                seconds,
                rateHeaders,
                dailyHeadersForOAuth,
                duplicateIds,
                reverseResults,
                caseInsensitiveEmails,
                maxValueChars,
                maxListIds,
                authFailureCategory,
                expiredCategory,
                codes,
                pathVersions,
                firstRecordId);
    }

    public HubSpotFakeConfig withDuplicateIds(DuplicateIds policy) {
        return new HubSpotFakeConfig(
                burstMax,
                burstInterval,
                dailyMax,
                accountZone,
                maxBatchInputs,
                accessTokenTtl,
                privateAppTokenTtl,
                retryAfterSeconds,
                rateHeaders,
                dailyHeadersForOAuth,
                policy,
                reverseResults,
                caseInsensitiveEmails,
                maxValueChars,
                maxListIds,
                authFailureCategory,
                expiredCategory,
                codes,
                pathVersions,
                firstRecordId);
    }

    public HubSpotFakeConfig withReverseResults(boolean reverse) {
        return new HubSpotFakeConfig(
                burstMax,
                burstInterval,
                dailyMax,
                accountZone,
                maxBatchInputs,
                accessTokenTtl,
                privateAppTokenTtl,
                retryAfterSeconds,
                rateHeaders,
                dailyHeadersForOAuth,
                duplicateIds,
                reverse,
                caseInsensitiveEmails,
                maxValueChars,
                maxListIds,
                authFailureCategory,
                expiredCategory,
                codes,
                pathVersions,
                firstRecordId);
    }

    public HubSpotFakeConfig withRateHeaders(boolean send) {
        return new HubSpotFakeConfig(
                burstMax,
                burstInterval,
                dailyMax,
                accountZone,
                maxBatchInputs,
                accessTokenTtl,
                privateAppTokenTtl,
                retryAfterSeconds,
                send,
                dailyHeadersForOAuth,
                duplicateIds,
                reverseResults,
                caseInsensitiveEmails,
                maxValueChars,
                maxListIds,
                authFailureCategory,
                expiredCategory,
                codes,
                pathVersions,
                firstRecordId);
    }

    public HubSpotFakeConfig withCodes(ErrorCodes errorCodes, String authCategory, String expiredAuthCategory) {
        return new HubSpotFakeConfig(
                burstMax,
                burstInterval,
                dailyMax,
                accountZone,
                maxBatchInputs,
                accessTokenTtl,
                privateAppTokenTtl,
                retryAfterSeconds,
                rateHeaders,
                dailyHeadersForOAuth,
                duplicateIds,
                reverseResults,
                caseInsensitiveEmails,
                maxValueChars,
                maxListIds,
                authCategory,
                expiredAuthCategory,
                errorCodes,
                pathVersions,
                firstRecordId);
    }

    public HubSpotFakeConfig withLimits(int batchInputs, int valueChars, int listIds) {
        return new HubSpotFakeConfig(
                burstMax,
                burstInterval,
                dailyMax,
                accountZone,
                batchInputs,
                accessTokenTtl,
                privateAppTokenTtl,
                retryAfterSeconds,
                rateHeaders,
                dailyHeadersForOAuth,
                duplicateIds,
                reverseResults,
                caseInsensitiveEmails,
                valueChars,
                listIds,
                authFailureCategory,
                expiredCategory,
                codes,
                pathVersions,
                firstRecordId);
    }
}
