package dev.masync.platform.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Refuses API bodies over {@link #MAX_BYTES} as a 413 problem: no definition a client sends needs more, and a 10 MB
 * body must not reach the JSON parser. A body with a {@code Content-Length} is refused before it is read; a body
 * without one (chunked transfer) is read through a counter that stops at the same limit. Paths under
 * {@link #OWN_LIMIT_PREFIXES} set and answer their own limit.
 */
public class BodyLimitFilter {
    public static final long MAX_BYTES = 256 * 1024;

    /** Paths whose resources enforce their own body limit, in their sender's error format (inbound webhooks). */
    public static final List<String> OWN_LIMIT_PREFIXES = List.of("/webhooks/");

    @ServerRequestFilter(preMatching = true)
    public Optional<jakarta.ws.rs.core.Response> limit(ContainerRequestContext request) {
        if (ownLimit(request.getUriInfo().getPath())) {
            return Optional.empty();
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            if (request.getHeaderString("Transfer-Encoding") != null) {
                request.setEntityStream(new Limited(request.getEntityStream()));
            }
            return Optional.empty();
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Optional.of(ProblemMappers.respond(
                    Problem.of(400, "bad_request", "Bad request", "Content-Length is not a number.", List.of())));
        }
        if (bytes > MAX_BYTES) {
            return Optional.of(ProblemMappers.respond(tooLarge(bytes + " bytes")));
        }
        return Optional.empty();
    }

    /** Whether the path's resource enforces its own body limit. */
    static boolean ownLimit(String path) {
        return path != null && OWN_LIMIT_PREFIXES.stream().anyMatch(path::startsWith);
    }

    static ApiException tooLargeException() {
        Problem p = tooLarge("more than " + MAX_BYTES + " bytes");
        return new ApiException(p.status(), p.code(), p.title(), p.detail(), List.of());
    }

    static Problem tooLarge(String size) {
        return Problem.of(
                413,
                "payload_too_large",
                "Payload too large",
                "The body has " + size + "; at most " + MAX_BYTES + " are accepted. Split the definition or move"
                        + " repeated parts into segments referenced by key.",
                List.of());
    }

    /** Counts what is read and fails past {@link #MAX_BYTES}, with or without a declared length. */
    static final class Limited extends FilterInputStream {
        private long read;

        Limited(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) {
            read += n;
            if (read > MAX_BYTES) {
                throw tooLargeException();
            }
        }
    }
}
