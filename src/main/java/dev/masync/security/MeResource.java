package dev.masync.security;

import dev.masync.audit.Actor;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Arrays;
import java.util.List;

/** Who the caller is: lets a client (the console) show only what the key's role may do. */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "api-keys")
public class MeResource {
    private final SecurityIdentity caller;

    MeResource(SecurityIdentity caller) {
        this.caller = caller;
    }

    /**
     * The caller's key.
     *
     * @param name the key's name ({@code configured-admin} for the configured key)
     * @param role {@code viewer}, {@code editor} or {@code admin}
     * @param roles every role the key is granted (a role includes the ones below it)
     */
    public record Me(String name, String role, List<String> roles) {}

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "The calling key's name and role")
    public Me me() {
        Actor actor = Actor.of(caller);
        Role role = Role.parse(actor.role());
        return new Me(
                actor.name(),
                role.jsonName(),
                Arrays.stream(Role.values())
                        .filter(r -> r.ordinal() <= role.ordinal())
                        .map(Role::jsonName)
                        .toList());
    }
}
