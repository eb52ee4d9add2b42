package dev.masync.segment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.catalog.CatalogService;
import dev.masync.definition.DefinitionFiles;
import dev.masync.definition.DefinitionFiles.DefinitionFile;
import dev.masync.definition.DefinitionStore;
import dev.masync.definition.JsonChecks;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ProblemError;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.RuleWarning;
import dev.masync.segment.rule.UnknownValues;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loads {@code segments/*.yaml} as file-managed segments (read-only through REST), the way
 * {@link DefinitionFiles} loads every definition folder. A file may also carry {@code fixtures} and {@code expected}
 * members for tests; the loader ignores them. Warnings about a rule's values (see {@link UnknownValues}) are logged.
 */
@ApplicationScoped
public class SegmentFiles implements DefinitionFiles.Kind {
    private static final Logger LOG = Logger.getLogger(SegmentFiles.class);
    static final List<String> FIELDS = List.of("key", "name", "description", "rule", "fixtures", "expected");

    private final SegmentsConfig config;
    private final SegmentService segments;
    private final CatalogService catalogs;

    SegmentFiles(SegmentsConfig config, SegmentService segments, CatalogService catalogs) {
        this.config = config;
        this.segments = segments;
        this.catalogs = catalogs;
    }

    /** One definition read from a file. */
    public record FileSegment(Path file, String key, String name, String description, JsonNode rule, JsonNode raw) {}

    /** Reads the usable files of a folder; throws when the folder cannot be listed. */
    public static List<FileSegment> read(Path dir) throws IOException {
        return DefinitionFiles.read(dir).definitions().stream()
                .map(f -> new FileSegment(
                        f.file(),
                        f.key(),
                        f.node().path("name").asText(null),
                        f.node().path("description").asText(null),
                        f.node().get("rule"),
                        f.node()))
                .toList();
    }

    /** Loads the configured folder; returns how many segments were created, changed or removed. Never throws. */
    public int load() {
        return DefinitionFiles.load(config.dir(), this);
    }

    @Override
    public String name() {
        return "segment";
    }

    @Override
    public boolean save(DefinitionFile file) {
        JsonNode node = file.node();
        List<ProblemError> errors = new ArrayList<>(JsonChecks.unknownFields(node, "", FIELDS));
        JsonChecks.keyProblem(file.key(), "math_slipping").ifPresent(m -> errors.add(new ProblemError("/key", m)));
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || name.textValue().isBlank()) {
            errors.add(new ProblemError("/name", "a name is required, e.g. \"Math learners slipping\""));
        }
        JsonNode description = node.get("description");
        if (description != null && !description.isNull() && !description.isTextual()) {
            errors.add(new ProblemError("/description", "must be a string"));
        }
        dev.masync.catalog.Catalog catalog = catalogs.state().catalog();
        Rule rule = segments.checkedRule(node.get("rule"), "/rule", file.key(), errors, catalog);
        for (RuleWarning w : UnknownValues.of(rule, catalog)) {
            LOG.warnf("segment file %s, %s: %s", file.sourceFile(), w.pointer(), w.message());
        }
        SegmentRequest request = new SegmentRequest(
                file.key(), name.textValue(), description == null ? null : description.textValue(), node.get("rule"));

        DefinitionStore<Segment, SegmentView> store = segments.store();
        Segment s = store.forFile(file.key(), file.sourceFile(), Segment::new);
        boolean created = !s.isPersistent();
        if (created) {
            s.version = segments.nextVersion(s.key);
        }
        if (!created
                && s.ruleJson.equals(segments.write(request.rule()))
                && s.name.equals(request.name().strip())
                && Objects.equals(s.description, request.description())
                && file.sourceFile().equals(s.sourceFile)) {
            return false;
        }
        SegmentView before = created ? null : segments.view(s);
        String actor = DefinitionStore.actor(file.sourceFile());
        s.sourceFile = file.sourceFile();
        segments.apply(s, request);
        store.touch(s, actor);
        store.upserted(s, before);
        segments.writeVersion(s, s.version, created ? "create" : "update", actor);
        return true;
    }

    @Override
    public Map<String, String> fileManaged() {
        Map<String, String> out = new HashMap<>();
        Segment.<Segment>list("source", Segment.SOURCE_FILE)
                .forEach(s -> out.put(s.key, Objects.toString(s.sourceFile, "")));
        return out;
    }

    @Override
    public void remove(String key) {
        Segment s = segments.find(key);
        if (!s.fileManaged()) {
            throw ApiException.conflict("segment_exists", "segment '" + key + "' is managed through the API");
        }
        segments.remove(s, DefinitionStore.actor(s.sourceFile));
    }
}
