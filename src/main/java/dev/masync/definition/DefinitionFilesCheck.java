package dev.masync.definition;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/**
 * Definition files that could not be applied at the last load, in {@code /q/health/ready}: the daemon stays ready (the
 * last valid definitions keep running), and the check's data names each file with its problem (at most
 * {@value #MAX_SHOWN}).
 */
@Readiness
@ApplicationScoped
public class DefinitionFilesCheck implements HealthCheck {
    static final int MAX_SHOWN = 50;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b =
                HealthCheckResponse.named("definition files").up();
        int count = 0;
        for (Map.Entry<String, Map<String, String>> kind :
                DefinitionFiles.problems().entrySet()) {
            for (Map.Entry<String, String> problem : kind.getValue().entrySet()) {
                if (count++ < MAX_SHOWN) {
                    b.withData(kind.getKey() + " " + problem.getKey(), problem.getValue());
                }
            }
        }
        return b.withData("problems", count).build();
    }
}
