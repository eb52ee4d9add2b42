package dev.masync.console;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The marketer's console: static files under {@code META-INF/resources/console/}, served by Quarkus without an API key
 * (they hold no data; every figure they show comes from {@code /api/v1} with the key the user types in). This class
 * sends {@code /console} to {@code /console/} and gives every console response headers that keep the page to its own
 * scripts: no inline script, no framing, no referrer, and revalidation so an upgraded daemon serves its new console.
 */
@ApplicationScoped
public class ConsoleRoutes {
    public static final String ROOT = "/console";

    /** Scripts, styles, images and API calls only from this origin; nothing inline, no plugins, no framing. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    void install(@Observes Router router) {
        router.route(ROOT).order(Integer.MIN_VALUE + 200).handler(ConsoleRoutes::toIndex);
        router.route(ROOT + "/*").order(Integer.MIN_VALUE + 201).handler(ConsoleRoutes::secure);
    }

    private static void toIndex(RoutingContext ctx) {
        headers(ctx);
        if (!ROOT.equals(ctx.request().path())) { // Vert.x matches "/console/" here too
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(302).putHeader("Location", ROOT + "/").end();
    }

    private static void secure(RoutingContext ctx) {
        headers(ctx);
        ctx.next();
    }

    static void headers(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Cache-Control", "no-cache");
    }
}
