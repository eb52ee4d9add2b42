package dev.masync.platform.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Map;

/**
 * What the HTTP layer refuses before any resource sees the request, answered as problems like every other error:
 * a URI over {@link #MAX_URI} characters (414 {@code uri_too_long}), headers over {@link #MAX_HEADER_BYTES} in all
 * (431 {@code headers_too_large}), a URI that is not valid percent-encoding (400 {@code invalid_uri}), a declared
 * body over {@link BodyLimitFilter#MAX_BYTES} (413 {@code payload_too_large}, before a byte of it is read) except on
 * paths that enforce their own limit ({@link BodyLimitFilter#OWN_LIMIT_PREFIXES}).
 *
 * <p>The codec's own limits ({@code quarkus.http.limits.max-initial-line-length} and {@code max-header-size}) are set
 * above these, so a request only meets the codec's bare answer when it is several times over.
 */
@ApplicationScoped
public class HttpLayerProblems {
    public static final int MAX_URI = 4096;
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Declared bodies up to this size are read and discarded after the 413 ({@code quarkus.http.limits.max-body-size}). */
    static final long DRAIN_MAX = 16L * 1024 * 1024;

    private final ObjectMapper json;

    HttpLayerProblems(ObjectMapper json) {
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 100).handler(this::check);
        router.route().order(Integer.MIN_VALUE + 100).failureHandler(this::failed);
        // a path the router cannot decode fails before any route runs and ends at the router's error handler
        router.errorHandler(400, ctx -> {
            if (!ctx.response().ended() && !ctx.response().headWritten()) {
                answer(ctx, invalidUri());
            }
        });
    }

    private static Problem invalidUri() {
        return Problem.of(
                400,
                "invalid_uri",
                "Invalid URI",
                "The request URI is not valid: percent signs must start an escape such as %20 and escapes must spell"
                        + " UTF-8. Encode the path and query parameters.",
                List.of());
    }

    /**
     * A request the router itself failed (a path it cannot decode, say) before a resource could answer: a problem
     * with the router's status, or 500 for anything else, without details.
     */
    void failed(RoutingContext ctx) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
        if (status >= 500) {
            ctx.next(); // the application's own error handling logs it with an incident id
            return;
        }
        answer(
                ctx,
                status == 400
                        ? invalidUri()
                        : Problem.of(
                                status, "bad_request", "Bad request", "The request could not be read.", List.of()));
    }

    void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String uri = request.uri();
        if (uri.length() > MAX_URI) {
            answer(
                    ctx,
                    Problem.of(
                            414,
                            "uri_too_long",
                            "URI too long",
                            "The request URI has " + uri.length() + " characters; at most " + MAX_URI
                                    + " are accepted. Send long values in a JSON body.",
                            List.of()));
            return;
        }
        long headerBytes = 0;
        for (Map.Entry<String, String> h : request.headers()) {
            headerBytes += h.getKey().length() + h.getValue().length() + 4;
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            answer(
                    ctx,
                    Problem.of(
                            431,
                            "headers_too_large",
                            "Request headers too large",
                            "The request headers take " + headerBytes + " bytes; at most " + MAX_HEADER_BYTES
                                    + " are accepted.",
                            List.of()));
            return;
        }
        if (!validEncoding(uri)) {
            answer(ctx, invalidUri());
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null && !BodyLimitFilter.ownLimit(request.path())) {
            try {
                long bytes = Long.parseLong(length.trim());
                if (bytes > BodyLimitFilter.MAX_BYTES) {
                    if (bytes > DRAIN_MAX) {
                        // not worth reading to keep the connection: close it after the answer
                        ctx.response().putHeader("Connection", "close");
                        ctx.response().endHandler(done -> request.connection().close());
                    } // else the server discards the body, so a client that sends it all still reads the answer
                    answer(ctx, BodyLimitFilter.tooLarge(bytes + " bytes"));
                    return;
                }
            } catch (NumberFormatException e) {
                answer(
                        ctx,
                        Problem.of(400, "bad_request", "Bad request", "Content-Length is not a number.", List.of()));
                return;
            }
        }
        ctx.next();
    }

    /** Whether the URI parses and every {@code %} starts two hex digits. */
    static boolean validEncoding(String uri) {
        try {
            new java.net.URI(uri);
        } catch (java.net.URISyntaxException e) {
            return false; // Quarkus answers these itself unless -Dvertx.disableURIValidation=true
        }
        try {
            int q = uri.indexOf('?');
            java.net.URLDecoder.decode(q < 0 ? uri : uri.substring(0, q), java.nio.charset.StandardCharsets.UTF_8);
            if (q >= 0) {
                java.net.URLDecoder.decode(uri.substring(q + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        return true;
    }

    private void answer(RoutingContext ctx, Problem problem) {
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + problem.status() + ",\"code\":\"" + problem.code() + "\"}";
        }
        ctx.response()
                .setStatusCode(problem.status())
                .putHeader("Content-Type", Problem.MEDIA_TYPE)
                .end(body);
    }
}
