package dev.masync.sync;

import dev.masync.catalog.CatalogService;
import dev.masync.connector.ConnectorsConfig;
import dev.masync.definition.DefinitionFiles;
import dev.masync.definition.DefinitionFiles.DefinitionFile;
import dev.masync.platform.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Loads {@code <masync.connectors.dir>/syncs/*.yaml} (same shape as the REST body) as file-managed syncs, after
 * segments and destinations, the way {@link DefinitionFiles} loads every definition folder.
 */
@ApplicationScoped
public class SyncFiles implements DefinitionFiles.Kind {
    private final ConnectorsConfig config;
    private final SyncService syncs;
    private final CatalogService catalogs;
    private final MappingCheck mappings;
    private final ListCapacityCheck lists;

    SyncFiles(
            ConnectorsConfig config,
            SyncService syncs,
            CatalogService catalogs,
            MappingCheck mappings,
            ListCapacityCheck lists) {
        this.config = config;
        this.lists = lists;
        this.mappings = mappings;
        this.syncs = syncs;
        this.catalogs = catalogs;
    }

    /** Loads the configured folder; returns how many syncs were created, changed or removed. Never throws. */
    public int load() {
        return load(config.dir().resolve("syncs"));
    }

    int load(Path dir) {
        return DefinitionFiles.load(dir, this);
    }

    @Override
    public String name() {
        return "sync";
    }

    @Override
    public boolean save(DefinitionFile file) {
        dev.masync.catalog.Catalog catalog = catalogs.state().catalog();
        SyncDefinitionParser.Result r = SyncDefinitionParser.parse(file.node(), file.key(), syncs.context(catalog));
        if (!r.ok()) {
            throw ApiException.invalid(
                    "The sync definition has " + r.errors().size() + " problem(s); see errors.", r.errors());
        }
        if (syncs.holdsFile(r.definition(), file.sourceFile())) {
            return false; // unchanged: not checked against the destination again at every start
        }
        lists.atSave(r.definition()); // refuses an item that does not fit beside the other syncs'
        mappings.atSave(r.definition(), catalog); // refuses a misfit; an unreadable schema is logged
        return syncs.saveFile(r.definition(), file.sourceFile());
    }

    @Override
    public Map<String, String> fileManaged() {
        Map<String, String> out = new HashMap<>();
        SyncEntity.<SyncEntity>list("source", SyncEntity.SOURCE_FILE)
                .forEach(s -> out.put(s.key, Objects.toString(s.sourceFile, "")));
        return out;
    }

    @Override
    public void remove(String key) {
        SyncEntity e = syncs.find(key);
        if (!e.fileManaged()) {
            throw ApiException.conflict("sync_exists", "sync '" + key + "' is managed through the API");
        }
        syncs.remove(e);
    }
}
