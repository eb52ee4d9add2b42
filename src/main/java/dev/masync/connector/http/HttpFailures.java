package dev.masync.connector.http;

import dev.masync.connector.spi.DestinationException;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.PermanentException.Code;
import dev.masync.connector.spi.RetryableException;
import okhttp3.HttpUrl;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place that maps HTTP outcomes to connector failures. Connectors call {@link #classify} on every
 * response and {@link #ioFailure} on every {@link IOException}; vendors override only their quirks through
 * {@link #withQuirk}.
 *
 * <ul>
 *   <li>2xx: no failure</li>
 *   <li>408, 425, 429, 5xx, I/O errors and timeouts: {@link RetryableException}, honouring {@code Retry-After}
 *       (seconds or HTTP-date)</li>
 *   <li>401: {@link Code#AUTH}; 403: {@link Code#PERMISSION}</li>
 *   <li>3xx (redirects are not followed), 404, 405 and 410: {@link Code#INVALID_CONFIG}, the URL is wrong</li>
 *   <li>any other 4xx (400, 413, 422…): {@link Code#INVALID_REQUEST}; the engine splits such a batch to find the
 *       records at fault</li>
 * </ul>
 *
 * <p>Messages quote the start of the response body through {@link Redaction}: credentials and e-mail addresses in a
 * vendor's error never reach logs or run reports.
 */
public final class HttpFailures {
    private static final int MAX_BODY_IN_MESSAGE = 300;

    private final Clock clock;
    private final VendorQuirk quirk;

    public HttpFailures(Clock clock) {
        this(clock, (reply, standard) -> Optional.empty());
    }

    private HttpFailures(Clock clock, VendorQuirk quirk) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.quirk = Objects.requireNonNull(quirk, "quirk");
    }

    /** A classifier that asks {@code quirk} first and applies the standard rules when it returns empty. */
    public HttpFailures withQuirk(VendorQuirk quirk) {
        return new HttpFailures(clock, quirk);
    }

    public Optional<DestinationException> classify(int status, String retryAfter, String body) {
        return classify(new HttpReply(status, retryAfter, body == null ? "" : body));
    }

    /** The failure a response means, or empty when it is a success. */
    public Optional<DestinationException> classify(HttpReply reply) {
        Optional<DestinationException> vendor = quirk.classify(reply, this);
        return vendor.isPresent() ? vendor : standard(reply);
    }

    /** Like {@link #classify(HttpReply)} but throws the failure. */
    public void check(HttpReply reply) {
        Optional<DestinationException> failure = classify(reply);
        if (failure.isPresent()) throw failure.get();
    }

    /** The standard rules only; for quirks that want to delegate after all. */
    public Optional<DestinationException> standard(HttpReply reply) {
        int status = reply.status();
        if (reply.isSuccessful()) return Optional.empty();
        String message = "HTTP " + status + describe(reply.body());
        if (status == 408 || status == 425 || status == 429 || status >= 500) {
            return Optional.of(retryable(message, reply.retryAfter()));
        }
        Code code = switch (status) {
            case 401 -> Code.AUTH;
            case 403 -> Code.PERMISSION;
            case 404, 405, 410 -> Code.INVALID_CONFIG; // the URL is wrong, not the records
            default -> status >= 300 && status < 400 ? Code.INVALID_CONFIG : Code.INVALID_REQUEST;
        };
        return Optional.of(new PermanentException(code, message));
    }

    /** Timeouts, resets and refused connections: retryable. */
    public RetryableException ioFailure(IOException e) {
        return new RetryableException(describe(e, null), null, e);
    }

    /**
     * Like {@link #ioFailure(IOException)}, in words a user can act on ("connection refused by host:port…", "no
     * DNS name…", "TLS handshake failed…", "no answer within…"); an address the {@link AddressPolicy} refuses is a
     * {@link Code#INVALID_CONFIG} instead.
     */
    public DestinationException ioFailure(IOException e, HttpUrl url) {
        if (e instanceof AddressPolicy.RefusedAddressException refused) {
            return new PermanentException(Code.INVALID_CONFIG, refused.getMessage(), e);
        }
        return new RetryableException(describe(e, url), null, e);
    }

    private static String describe(IOException e, HttpUrl url) {
        String where = url == null ? "the destination" : url.host() + ":" + url.port();
        String detail = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
        if (e instanceof java.net.UnknownHostException) {
            return "the host name " + (url == null ? "" : url.host() + " ") + "cannot be resolved (DNS)" + detail
                    + "; check the URL's host name";
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused by " + where + detail
                    + "; check the URL's host and port, and that the receiver runs and accepts connections";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS handshake with " + where + " failed" + detail
                    + "; check that the receiver serves https on that port with a certificate trusted by the daemon";
        }
        if (e instanceof java.net.SocketTimeoutException || e instanceof java.io.InterruptedIOException) {
            return "no complete answer from " + where + " in time" + detail
                    + "; the receiver is slow or unreachable (firewall?)";
        }
        if (e instanceof java.net.NoRouteToHostException) {
            return "no route to " + where + detail + "; check the address and the network";
        }
        return "the connection to " + where + " broke before a complete answer" + detail
                + "; check that the receiver answers HTTP on that address";
    }

    /** A retryable failure with the delay given by a raw {@code Retry-After} value (may be null). */
    public RetryableException retryable(String message, String retryAfter) {
        return new RetryableException(message, retryAfter(retryAfter).orElse(null), null);
    }

    /** Parses {@code Retry-After} as delta-seconds or an HTTP-date; a date in the past means no wait. */
    public Optional<Duration> retryAfter(String header) {
        if (header == null || header.isBlank()) return Optional.empty();
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException unreadable) {
                return Optional.empty();
            }
        }
    }

    private static String describe(String body) {
        if (body == null || body.isBlank()) return "";
        // the excerpt ends up in logs and run reasons: no credential, no e-mail address
        String oneLine = Redaction.text(body.strip().replaceAll("\\s+", " "));
        return ": "
                + (oneLine.length() > MAX_BODY_IN_MESSAGE ? oneLine.substring(0, MAX_BODY_IN_MESSAGE) + "…" : oneLine);
    }
}
