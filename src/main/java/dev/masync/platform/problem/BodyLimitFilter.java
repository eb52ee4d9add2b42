package dev.masync.platform.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;
import java.util.Optional;

/**
 * Refuses API bodies over {@link #MAX_BYTES} before reading them, as a problem: no definition a client sends needs
 * more, and a 10 MB body must not reach the JSON parser. (The HTTP layer caps bodies without a length.)
 */
public class BodyLimitFilter {
    public static final long MAX_BYTES = 256 * 1024;

    @ServerRequestFilter(preMatching = true)
    public Optional<jakarta.ws.rs.core.Response> limit(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
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
            return Optional.of(ProblemMappers.respond(Problem.of(
                    413,
                    "payload_too_large",
                    "Payload too large",
                    "The body has " + bytes + " bytes; at most " + MAX_BYTES + " are accepted. Split the"
                            + " definition or move repeated parts into segments referenced by key.",
                    List.of())));
        }
        return Optional.empty();
    }
}
