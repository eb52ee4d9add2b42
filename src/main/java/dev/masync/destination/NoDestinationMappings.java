package dev.masync.destination;

import dev.masync.connector.spi.DestinationSchema;
import dev.masync.destination.DestinationCheck.CheckProblem;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Used only while no other {@link DestinationMappings} bean exists: no syncs, so no mapping to check. */
@DefaultBean
@ApplicationScoped
class NoDestinationMappings implements DestinationMappings {
    @Override
    public List<CheckProblem> check(DestinationDefinition destination, DestinationSchema schema) {
        return List.of();
    }
}
