package dev.masync.destination;

import dev.masync.connector.ConnectorsConfig;
import dev.masync.definition.DefinitionFiles;
import dev.masync.definition.DefinitionFiles.DefinitionFile;
import dev.masync.definition.DefinitionStore;
import dev.masync.platform.problem.ApiException;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Loads {@code connectors/destinations/*.yaml} at start as file-managed destinations (read-only through REST), the
 * way {@link DefinitionFiles} loads every definition folder. Each file is checked like a REST body; a destination
 * a sync uses is kept when its file goes.
 */
@ApplicationScoped
public class DestinationFiles implements DefinitionFiles.Kind {
    private final ConnectorsConfig config;
    private final DestinationService destinations;
    private final DestinationUsers users;

    DestinationFiles(ConnectorsConfig config, DestinationService destinations, DestinationUsers users) {
        this.config = config;
        this.destinations = destinations;
        this.users = users;
    }

    /** After the fixed start-up steps ({@code Startup}); destinations do not need the catalog. */
    void onStart(@Observes @Priority(20) StartupEvent event) {
        load();
    }

    /** Loads the configured folder; returns how many destinations were created, changed or removed. Never throws. */
    public int load() {
        return load(config.dir().resolve("destinations"), users);
    }

    int load(Path dir, DestinationUsers users) {
        return DefinitionFiles.load(dir, new Kind(users));
    }

    @Override
    public String name() {
        return "destination";
    }

    @Override
    public boolean save(DefinitionFile file) {
        return new Kind(users).save(file);
    }

    @Override
    public Map<String, String> fileManaged() {
        return new Kind(users).fileManaged();
    }

    @Override
    public void remove(String key) {
        new Kind(users).remove(key);
    }

    /** The steps, with the syncs that keep a destination from being removed. */
    private final class Kind implements DefinitionFiles.Kind {
        private final DestinationUsers users;

        Kind(DestinationUsers users) {
            this.users = users;
        }

        @Override
        public String name() {
            return "destination";
        }

        @Override
        public boolean save(DefinitionFile file) {
            DestinationDefinition d = destinations
                    .validator()
                    .check(file.node(), null, file.stem(), DestinationDefinition.SOURCE_FILE)
                    .orThrow();
            DefinitionStore<StoredDestination, DestinationView> store = destinations.store();
            StoredDestination s = store.forFile(d.key(), file.sourceFile(), StoredDestination::new);
            boolean created = !s.isPersistent();
            if (!created && destinations.holds(s, d, file.sourceFile())) {
                return false;
            }
            DestinationView before = created ? null : destinations.view(s);
            s.sourceFile = file.sourceFile();
            destinations.apply(s, d);
            store.touch(s, DefinitionStore.actor(file.sourceFile()));
            store.upserted(s, before);
            return true;
        }

        @Override
        public Map<String, String> fileManaged() {
            Map<String, String> out = new HashMap<>();
            StoredDestination.<StoredDestination>list("source", DestinationDefinition.SOURCE_FILE)
                    .forEach(s -> out.put(s.key, Objects.toString(s.sourceFile, "")));
            return out;
        }

        @Override
        public void remove(String key) {
            StoredDestination s = destinations.stored(key);
            if (!s.fileManaged()) {
                throw ApiException.conflict(
                        "destination_exists", "destination '" + key + "' is managed through the API");
            }
            destinations.remove(s, users);
        }
    }
}
