package dev.masync.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ProblemError;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads {@code segments/*.yaml} into the control DB as file-managed segments. A file may also carry
 * {@code fixtures} and {@code expected} members for tests; the loader ignores them. A file that does not validate is
 * reported and skipped, never half-applied; segments whose file disappeared are removed unless still referenced.
 */
@ApplicationScoped
public class SegmentFiles {
    private static final Logger LOG = Logger.getLogger(SegmentFiles.class);
    static final Set<String> FIELDS = Set.of("key", "name", "description", "rule", "fixtures", "expected");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final SegmentsConfig config;
    private final SegmentService segments;
    private final Clock clock;
    private final dev.masync.catalog.CatalogService catalogs;
    private final dev.masync.audit.AuditLog audit;

    SegmentFiles(
            SegmentsConfig config,
            SegmentService segments,
            Clock clock,
            dev.masync.catalog.CatalogService catalogs,
            dev.masync.audit.AuditLog audit) {
        this.catalogs = catalogs;
        this.audit = audit;
        this.config = config;
        this.segments = segments;
        this.clock = clock;
    }

    /** One definition read from a file. */
    public record FileSegment(Path file, String key, String name, String description, JsonNode rule, JsonNode raw) {}

    /** Reads every {@code *.yaml}/{@code *.yml} of a folder; throws with the file name if one cannot be read. */
    public static List<FileSegment> read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<FileSegment> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList()) {
                JsonNode node = YAML.readTree(f.toFile());
                if (node == null || !node.isObject()) {
                    throw new IOException(f + ": expected a mapping with key, name and rule");
                }
                String stem = f.getFileName().toString().replaceFirst("\\.ya?ml$", "");
                out.add(new FileSegment(
                        f,
                        node.path("key").asText(stem),
                        node.path("name").asText(null),
                        node.path("description").asText(null),
                        node.get("rule"),
                        node));
            }
        }
        return out;
    }

    /** Loads the configured folder; returns how many segments were created or changed. Never throws. */
    public int load() {
        Path dir = config.dir();
        List<FileSegment> files;
        try {
            files = read(dir);
        } catch (IOException | RuntimeException e) {
            LOG.errorf("segments in %s not loaded: %s", dir.toAbsolutePath(), e.getMessage());
            return 0;
        }
        Map<String, FileSegment> byKey = new LinkedHashMap<>();
        files.forEach(f -> byKey.put(f.key(), f));
        int changed = 0;
        // Files may refer to each other: retry the ones that failed while others still get loaded.
        List<FileSegment> pending = new ArrayList<>(files);
        Map<FileSegment, RuntimeException> failures = new LinkedHashMap<>();
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            failures.clear();
            for (FileSegment f : List.copyOf(pending)) {
                try {
                    if (QuarkusTransaction.requiringNew().call(() -> upsert(f))) {
                        changed++;
                    }
                    pending.remove(f);
                    progress = true;
                } catch (RuntimeException e) {
                    failures.put(f, e);
                }
            }
        }
        failures.forEach((f, e) -> {
            if (e instanceof ApiException api) {
                LOG.errorf(
                        "segment file %s skipped: %s %s",
                        f.file(),
                        api.getMessage(),
                        api.toProblem().errors().stream()
                                .map(ProblemError::toString)
                                .toList());
            } else {
                LOG.errorf(e, "segment file %s skipped", f.file());
            }
        });
        QuarkusTransaction.requiringNew().run(() -> removeVanished(byKey.keySet()));
        LOG.infof(
                "segments as code: %d file(s) in %s, %d created or changed",
                files.size(), dir.toAbsolutePath(), changed);
        return changed;
    }

    private boolean upsert(FileSegment f) {
        List<ProblemError> errors = new ArrayList<>();
        f.raw().fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new ProblemError("/" + name, "unknown field; allowed: " + FIELDS));
            }
        });
        if (!SegmentService.KEY.matcher(f.key()).matches()) {
            errors.add(new ProblemError("/key", "use lower-case letters, digits and '_', starting with a letter"));
        }
        if (f.name() == null || f.name().isBlank()) {
            errors.add(new ProblemError("/name", "a name is required"));
        }
        segments.checkedRule(
                f.rule(), "/rule", f.key(), errors, catalogs.state().catalog());
        String source = config.dir().relativize(f.file()).toString();
        String ruleJson = segments.write(f.rule());
        Segment s = Segment.findById(f.key());
        if (s != null && Segment.SOURCE_API.equals(s.source)) {
            throw ApiException.conflict(
                    "segment_exists",
                    "segment '" + f.key()
                            + "' is managed through the API; rename the file's key or delete the API segment");
        }
        String actor = "file:" + source;
        if (s != null
                && s.ruleJson.equals(ruleJson)
                && s.name.equals(f.name().strip())
                && java.util.Objects.equals(s.description, f.description())) {
            return false;
        }
        boolean created = s == null;
        SegmentView before = created ? null : segments.view(s);
        if (created) {
            s = new Segment();
            s.key = f.key();
            s.source = Segment.SOURCE_FILE;
            s.createdAt = clock.instant();
            s.createdBy = actor;
            s.version = 0;
        }
        s.sourceFile = "segments/" + source;
        segments.apply(s, new SegmentRequest(f.key(), f.name(), f.description(), f.rule()), actor, s.version + 1);
        if (created) {
            s.persist();
        }
        segments.writeVersion(s, created ? "create" : "update", actor);
        audit.record(created ? "segment.create" : "segment.update", "segment", s.key, before, segments.view(s));
        return true;
    }

    private void removeVanished(Set<String> present) {
        for (Segment s : Segment.<Segment>list("source", Segment.SOURCE_FILE)) {
            if (present.contains(s.key)) {
                continue;
            }
            List<String> users = new java.util.ArrayList<>(segments.referencingSegments(s.key));
            users.addAll(segments.syncsOf(s.key));
            if (!users.isEmpty()) {
                LOG.warnf("segment '%s' lost its file %s but is used by %s; kept", s.key, s.sourceFile, users);
                continue;
            }
            SegmentView before = segments.view(s);
            s.version = s.version + 1;
            segments.writeVersion(s, "delete", "file:" + s.sourceFile);
            audit.record("segment.delete", "segment", s.key, before, null);
            s.delete();
            LOG.infof("segment '%s' removed: its file %s is gone", s.key, s.sourceFile);
        }
    }
}
