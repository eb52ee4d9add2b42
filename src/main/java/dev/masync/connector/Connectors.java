package dev.masync.connector;

import dev.masync.connector.spi.Destination;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every connector of the application, by {@link Destination#type() type}. Connectors are found as CDI beans of
 * type {@link Destination} (see {@link ConnectorProducers}), so adding one needs no switch here.
 */
@ApplicationScoped
public class Connectors {
    private final Map<String, Destination> byType;

    @Inject
    Connectors(@Any Instance<Destination> connectors) {
        this.byType = index(connectors);
    }

    private Connectors(Map<String, Destination> byType) {
        this.byType = byType;
    }

    /** A fixed set of connectors, for plain tests. */
    public static Connectors of(Destination... connectors) {
        return new Connectors(index(List.of(connectors)));
    }

    /** The connector for {@code type}, if there is one. */
    public Optional<Destination> byType(String type) {
        return type == null ? Optional.empty() : Optional.ofNullable(byType.get(type));
    }

    /** Every known type, sorted. */
    public Set<String> types() {
        return byType.keySet();
    }

    private static Map<String, Destination> index(Iterable<Destination> connectors) {
        Map<String, Destination> index = new TreeMap<>();
        for (Destination connector : connectors) {
            Destination other = index.putIfAbsent(connector.type(), connector);
            if (other != null && other != connector) {
                throw new IllegalStateException("two connectors declare type '" + connector.type() + "': "
                        + other.getClass().getName() + " and "
                        + connector.getClass().getName()
                        + "; give each a distinct type()");
            }
        }
        return Collections.unmodifiableMap(index);
    }
}
