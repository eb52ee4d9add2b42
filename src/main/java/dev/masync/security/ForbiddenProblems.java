package dev.masync.security;

import dev.masync.platform.problem.Problem;
import io.quarkus.security.ForbiddenException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A 403 that says what to ask for: the role the call needs (the lowest one its {@code @RolesAllowed} names, as each
 * role includes those below it) and the role of the caller's key.
 */
public class ForbiddenProblems {

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ResourceInfo resource, ContainerRequestContext request) {
        Optional<Role> needed = needed(resource);
        Optional<Role> caller = caller(request == null ? null : request.getSecurityContext());
        return Response.status(403)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(403, "forbidden", "Forbidden", detail(needed, caller), List.of()))
                .build();
    }

    static String detail(Optional<Role> needed, Optional<Role> caller) {
        String has = caller.map(r -> "this API key's role is " + r.jsonName()).orElse("this API key has no role");
        return needed.map(r -> "This call needs the " + r.jsonName() + " role (or a higher one); " + has
                        + ". Ask an admin for a key with the " + r.jsonName() + " role.")
                .orElse("This API key's role may not do this (" + has
                        + "); ask an admin for a key with the required role.");
    }

    /** The lowest role the matched method (or else its class) allows. */
    static Optional<Role> needed(ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return Optional.empty();
        }
        Method m = resource.getResourceMethod();
        RolesAllowed allowed = m.getAnnotation(RolesAllowed.class);
        if (allowed == null) {
            allowed = m.getDeclaringClass().getAnnotation(RolesAllowed.class);
        }
        if (allowed == null) {
            return Optional.empty();
        }
        return Arrays.stream(allowed.value())
                .flatMap(name ->
                        Arrays.stream(Role.values()).filter(r -> r.jsonName().equals(name)))
                .min(Enum::compareTo);
    }

    /** The highest role the caller holds. */
    static Optional<Role> caller(SecurityContext security) {
        if (security == null || security.getUserPrincipal() == null) {
            return Optional.empty();
        }
        return Arrays.stream(Role.values())
                .filter(r -> security.isUserInRole(r.jsonName()))
                .max(Enum::compareTo);
    }
}
