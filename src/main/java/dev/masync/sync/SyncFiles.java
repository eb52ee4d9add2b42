package dev.masync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.masync.catalog.CatalogService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads {@code <masync.connectors.dir>/syncs/*.yaml} (same shape as the REST body) as file-managed syncs, after segments and
 * destinations. A file that does not validate is logged and skipped, never half-applied; a sync whose file
 * disappeared is removed.
 */
@ApplicationScoped
public class SyncFiles {
    private static final Logger LOG = Logger.getLogger(SyncFiles.class);
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final dev.masync.destination.ConnectorsConfig config;
    private final SyncService syncs;
    private final CatalogService catalogs;

    SyncFiles(dev.masync.destination.ConnectorsConfig config, SyncService syncs, CatalogService catalogs) {
        this.config = config;
        this.syncs = syncs;
        this.catalogs = catalogs;
    }

    /** Loads the configured folder; returns how many syncs were created or changed. Never throws. */
    public int load() {
        Path dir = config.dir().resolve("syncs");
        if (!Files.isDirectory(dir)) {
            LOG.infof("syncs as code: no folder %s", dir.toAbsolutePath());
            return 0;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            LOG.errorf("syncs in %s not loaded: %s", dir.toAbsolutePath(), e.getMessage());
            return 0;
        }
        int changed = 0;
        Set<String> seen = new HashSet<>();
        for (Path f : files) {
            String stem = f.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            try {
                JsonNode node = YAML.readTree(f.toFile());
                if (node != null && node.isObject() && !node.has("key")) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) node).put("key", stem);
                }
                JsonNode definition = node;
                SyncDefinitionParser.Result r = QuarkusTransaction.requiringNew()
                        .call(() -> SyncDefinitionParser.parse(
                                definition, null, syncs.context(catalogs.state().catalog())));
                if (!r.ok()) {
                    LOG.errorf("sync file %s skipped: %s", f, r.errors());
                    continue;
                }
                seen.add(r.definition().key());
                SyncEntity existing = QuarkusTransaction.requiringNew()
                        .call(() -> SyncEntity.findById(r.definition().key()));
                if (existing != null && SyncEntity.SOURCE_API.equals(existing.source)) {
                    LOG.errorf(
                            "sync file %s skipped: sync '%s' is managed through the API",
                            f, r.definition().key());
                    continue;
                }
                if (syncs.applyFile(r.definition(), dir.resolve(f.getFileName()).toString())) {
                    changed++;
                }
            } catch (IOException | RuntimeException e) {
                LOG.errorf("sync file %s skipped: %s", f, e.getMessage());
            }
        }
        for (String key : QuarkusTransaction.requiringNew()
                .call(() -> SyncEntity.<SyncEntity>list("source", SyncEntity.SOURCE_FILE).stream()
                        .map(s -> s.key)
                        .toList())) {
            if (!seen.contains(key)) {
                try {
                    syncs.deleteFileManaged(key);
                } catch (RuntimeException e) {
                    LOG.warnf("sync %s: its file is gone but it was not removed: %s", key, e.getMessage());
                }
            }
        }
        LOG.infof(
                "syncs as code: %d file(s) in %s, %d created or changed", files.size(), dir.toAbsolutePath(), changed);
        return changed;
    }
}
