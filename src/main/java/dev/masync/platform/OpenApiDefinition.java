package dev.masync.platform;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** OpenAPI metadata: every /api/v1 call takes a bearer API key. */
@OpenAPIDefinition(
        info =
                @Info(
                        title = "ma-sync",
                        version = "v1",
                        description = "Segments over learning status, synced to CRM and marketing-automation tools."),
        security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(
        securitySchemeName = "apiKey",
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "An API key: 'Authorization: Bearer <key>'")
public class OpenApiDefinition extends Application {}
