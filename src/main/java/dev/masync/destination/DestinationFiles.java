package dev.masync.destination;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.masync.audit.AuditLog;
import dev.masync.destination.DestinationValidator.Checked;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ProblemError;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads {@code connectors/destinations/*.yaml} at start as file-managed destinations (read-only through REST). Each
 * file is checked like a REST body; one that does not validate is logged and skipped, never half-applied, and the
 * destination it defined before stays as it was. A file-managed destination whose file is gone is removed, unless a
 * sync uses it.
 */
@ApplicationScoped
public class DestinationFiles {
    private static final Logger LOG = Logger.getLogger(DestinationFiles.class);
    static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    static final long MAX_FILE_BYTES = 256 * 1024;

    private final ConnectorsConfig config;
    private final DestinationService destinations;
    private final DestinationUsers users;
    private final Clock clock;
    private final AuditLog audit;

    DestinationFiles(
            ConnectorsConfig config,
            DestinationService destinations,
            DestinationUsers users,
            Clock clock,
            AuditLog audit) {
        this.config = config;
        this.destinations = destinations;
        this.users = users;
        this.clock = clock;
        this.audit = audit;
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
        List<Path> files;
        try {
            files = files(dir);
        } catch (IOException | RuntimeException e) {
            LOG.errorf("destinations in %s not loaded: %s", dir.toAbsolutePath(), e);
            return 0;
        }
        Set<String> claimedKeys = new HashSet<>();
        Set<String> readFiles = new HashSet<>();
        Map<String, String> fileOfKey = new HashMap<>();
        int changed = 0;
        int skipped = 0;
        for (Path file : files) {
            String sourceFile = file.toString();
            String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            JsonNode node;
            try {
                node = read(file);
            } catch (IOException e) {
                LOG.errorf("destination file %s skipped: %s", sourceFile, e.getMessage());
                skipped++;
                continue;
            }
            readFiles.add(sourceFile);
            String key = node != null && node.path("key").isTextual()
                    ? node.get("key").textValue()
                    : stem;
            claimedKeys.add(key);
            String other = fileOfKey.putIfAbsent(key, sourceFile);
            if (other != null) {
                LOG.errorf("destination file %s skipped: key '%s' is already defined by %s", sourceFile, key, other);
                skipped++;
                continue;
            }
            Checked checked = destinations.validator().check(node, null, stem, DestinationDefinition.SOURCE_FILE);
            try {
                DestinationDefinition definition = checked.orThrow();
                if (QuarkusTransaction.requiringNew().call(() -> upsert(definition, sourceFile))) {
                    changed++;
                }
            } catch (ApiException e) {
                LOG.errorf(
                        "destination file %s skipped (%s): %s %s",
                        sourceFile,
                        e.code(),
                        e.getMessage(),
                        describe(e.toProblem().errors()));
                skipped++;
            } catch (RuntimeException e) {
                LOG.errorf(e, "destination file %s skipped", sourceFile);
                skipped++;
            }
        }
        changed += QuarkusTransaction.requiringNew().call(() -> removeVanished(claimedKeys, readFiles, users));
        LOG.infof(
                "destinations as code: %d file(s) in %s, %d created, changed or removed, %d skipped",
                files.size(), dir.toAbsolutePath(), changed, skipped);
        return changed;
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
    }

    /**
     * Parses one file. Error messages give the position only: a YAML parser quotes the offending line, which may
     * hold a pasted secret.
     */
    static JsonNode read(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
        }
        try {
            return YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new IOException(
                    "not valid YAML" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                            + "; check indentation and quoting there");
        }
    }

    private boolean upsert(DestinationDefinition d, String sourceFile) {
        StoredDestination s = StoredDestination.findById(d.key());
        if (s != null && DestinationDefinition.SOURCE_API.equals(s.source)) {
            throw ApiException.conflict(
                    "destination_exists",
                    "destination '" + d.key() + "' is managed through the"
                            + " API; rename the file's key or delete the API destination");
        }
        if (s != null && destinations.holds(s, d, sourceFile)) {
            return false;
        }
        String actor = "file:" + sourceFile;
        boolean created = s == null;
        DestinationView before = created ? null : destinations.view(s);
        if (created) {
            s = new StoredDestination();
            s.key = d.key();
            s.source = DestinationDefinition.SOURCE_FILE;
            s.createdAt = clock.instant();
            s.createdBy = actor;
            s.version = 0;
        }
        s.sourceFile = sourceFile;
        destinations.apply(s, d, actor, s.version + 1);
        if (created) {
            s.persist();
        }
        audit.record(
                created ? "destination.create" : "destination.update",
                "destination",
                s.key,
                before,
                destinations.view(s));
        return true;
    }

    /**
     * Removes file-managed destinations no file claims any more: their file is gone, or was read and now names
     * another key. One whose file exists but cannot be read is kept, as is one a sync uses.
     */
    private int removeVanished(Set<String> claimedKeys, Set<String> readFiles, DestinationUsers users) {
        int removed = 0;
        for (StoredDestination s :
                StoredDestination.<StoredDestination>list("source", DestinationDefinition.SOURCE_FILE)) {
            if (claimedKeys.contains(s.key)) {
                continue;
            }
            boolean gone = s.sourceFile == null || !Files.exists(Path.of(s.sourceFile));
            if (!gone && !readFiles.contains(s.sourceFile)) {
                continue;
            }
            List<String> syncs = users.syncsUsing(s.key);
            if (!syncs.isEmpty()) {
                LOG.warnf(
                        "destination '%s' lost its file %s but is used by sync(s) %s; kept",
                        s.key, s.sourceFile, syncs);
                continue;
            }
            DestinationView before = destinations.view(s);
            s.delete();
            audit.record("destination.delete", "destination", s.key, before, null);
            LOG.infof("destination '%s' removed: its file %s no longer defines it", s.key, s.sourceFile);
            removed++;
        }
        return removed;
    }

    private static String describe(List<ProblemError> errors) {
        return errors.isEmpty()
                ? ""
                : errors.stream()
                        .map(e -> (e.pointer().isEmpty() ? "/" : e.pointer()) + ": " + e.message())
                        .collect(Collectors.joining("; ", "[", "]"));
    }
}
