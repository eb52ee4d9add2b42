package dev.masync.destination;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Used only while no other {@link DestinationUsers} bean exists: no syncs, so nothing uses a destination. */
@DefaultBean
@ApplicationScoped
class NoDestinationUsers implements DestinationUsers {
    @Override
    public List<String> syncsUsing(String destinationKey) {
        return List.of();
    }
}
