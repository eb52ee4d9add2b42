package dev.masync.connector.http;

import dev.masync.connector.spi.DestinationException;

import java.util.Optional;

/**
 * How one vendor differs from plain HTTP semantics, e.g. throttling with 403 {@code REQUEST_LIMIT_EXCEEDED} or
 * with HTTP 200 and an error code in the body. Return empty to fall back to the standard rules.
 */
@FunctionalInterface
public interface VendorQuirk {
    Optional<DestinationException> classify(HttpReply reply, HttpFailures standard);
}
