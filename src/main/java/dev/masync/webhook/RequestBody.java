package dev.masync.webhook;

import jakarta.ws.rs.core.MediaType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;

/** The checks before a body is believed: its declared type and its size, counted while it is read. */
public final class RequestBody {
    private RequestBody() {}

    /** Refuses with 415 unless {@code contentType}'s type/subtype is one of {@code accepted}. */
    public static void requireType(String contentType, Set<String> accepted) {
        String essence = null;
        if (contentType != null && !contentType.isBlank()) {
            try {
                MediaType type = MediaType.valueOf(contentType);
                essence = (type.getType() + "/" + type.getSubtype()).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                essence = null;
            }
        }
        if (essence == null || !accepted.contains(essence)) {
            throw new WebhookRefusal(
                    415,
                    "unsupported_media_type",
                    "Content-Type " + (contentType == null ? "(none)" : "'" + contentType + "'")
                            + " is not accepted here; send "
                            + String.join(" or ", accepted.stream().sorted().toList())
                            + ".");
        }
    }

    /**
     * Reads the body, refusing with 413 when the declared {@code Content-Length} is over {@code max} (before a byte
     * is read) or when more than {@code max} bytes arrive (reading stops there).
     */
    public static byte[] read(InputStream in, String contentLength, long max) {
        if (contentLength != null) {
            long declared;
            try {
                declared = Long.parseLong(contentLength.trim());
            } catch (NumberFormatException e) {
                throw WebhookRefusal.badRequest("bad_request", "Content-Length is not a number.");
            }
            if (declared > max) {
                throw tooLarge(declared + " bytes", max);
            }
        }
        if (in == null) {
            return new byte[0];
        }
        try {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length > max) {
                throw tooLarge("more than " + max + " bytes", max);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WebhookRefusal tooLarge(String size, long max) {
        return new WebhookRefusal(
                413,
                "payload_too_large",
                "The body has " + size + "; at most " + max + " are accepted (masync.webhooks.max-body-bytes)."
                        + " Ask the sender for smaller batches.");
    }
}
