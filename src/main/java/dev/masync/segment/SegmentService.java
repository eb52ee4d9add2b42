package dev.masync.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.audit.AuditLog;
import dev.masync.catalog.CatalogService;
import dev.masync.definition.DefinitionKind;
import dev.masync.definition.DefinitionStore;
import dev.masync.definition.FieldLimit;
import dev.masync.definition.JsonChecks;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ProblemError;
import dev.masync.segment.rule.Parsed;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.RuleParser;
import dev.masync.segment.rule.RuleValidator;
import dev.masync.segment.rule.RuleWarning;
import dev.masync.segment.rule.SegmentLookup;
import dev.masync.segment.rule.UnknownValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Saved segments: validated against the catalog before anything is stored, versioned on every change, protected
 * by optimistic concurrency, and read-only when a file under {@code segments/} manages them.
 */
@ApplicationScoped
public class SegmentService {
    static final DefinitionKind KIND = new DefinitionKind("segment", "Segment", "/api/v1/segments");

    private final DefinitionStore<Segment, SegmentView> store;
    private final Clock clock;
    private final CatalogService catalogs;
    private final ObjectMapper json;

    private final jakarta.enterprise.inject.Instance<SegmentUsers> users;

    SegmentService(
            CatalogService catalogs,
            ObjectMapper json,
            Clock clock,
            AuditLog audit,
            jakarta.enterprise.inject.Instance<SegmentUsers> users) {
        this.users = users;
        this.catalogs = catalogs;
        this.json = json;
        this.clock = clock;
        this.store = new DefinitionStore<>(KIND, Segment.class, this::view, clock, audit);
    }

    /** Saved segments' rules, for references and cycle checks. */
    public SegmentLookup lookup() {
        return key -> Optional.ofNullable(Segment.<Segment>findById(key)).map(s -> readRule(s.ruleJson));
    }

    /** One page of saved segments by key, after {@code afterKey} (null: from the first). */
    public dev.masync.platform.Page<SegmentView> page(String afterKey, int limit) {
        List<Segment> rows = afterKey == null
                ? Segment.<Segment>findAll(io.quarkus.panache.common.Sort.by("key"))
                        .range(0, limit)
                        .list()
                : Segment.<Segment>find("key > ?1", io.quarkus.panache.common.Sort.by("key"), afterKey)
                        .range(0, limit)
                        .list();
        return dev.masync.platform.Cursors.page(rows, limit, this::view, s -> dev.masync.platform.Cursors.ofKey(s.key));
    }

    public List<SegmentView> list() {
        return Segment.<Segment>listAll(io.quarkus.panache.common.Sort.by("key")).stream()
                .map(this::view)
                .toList();
    }

    public SegmentView get(String key) {
        return view(find(key));
    }

    public Segment find(String key) {
        return store.get(key);
    }

    DefinitionStore<Segment, SegmentView> store() {
        return store;
    }

    /**
     * Parses and validates a rule against the current catalog and saved segments, or throws a 422 problem listing
     * every error with its pointer.
     */
    public Rule checkedRule(JsonNode rule, String pointer, String selfKey, List<ProblemError> earlier) {
        return checkedRule(rule, pointer, selfKey, earlier, catalogs.current());
    }

    /** As {@link #checkedRule(JsonNode, String, String, List)} against a given catalog (start-up uses this). */
    public Rule checkedRule(
            JsonNode rule,
            String pointer,
            String selfKey,
            List<ProblemError> earlier,
            dev.masync.catalog.Catalog catalog) {
        List<ProblemError> errors = new ArrayList<>(earlier);
        Rule parsed = null;
        List<ProblemError> sizes = new ArrayList<>();
        oversizeStrings(rule, pointer, sizes);
        if (!sizes.isEmpty()) {
            // parsing would quote the long strings back; their size is the one thing to fix first
            errors.addAll(sizes);
        } else if (rule == null || rule.isNull() || rule.isMissingNode()) {
            errors.add(new ProblemError(pointer, "a rule is required, e.g. {\"all\": [...]}"));
        } else {
            Parsed p = RuleParser.parse(rule, pointer);
            errors.addAll(p.errors());
            if (p.ok()) {
                errors.addAll(RuleValidator.validate(p.rule(), pointer, catalog, lookup(), selfKey));
                parsed = p.rule();
            } else if (p.rule() != null) {
                // Also report what the catalog says about the parts that did parse, so all errors come at once.
                try {
                    java.util.Set<String> seen = new java.util.HashSet<>();
                    errors.forEach(e -> seen.add(e.pointer()));
                    RuleValidator.validate(p.rule(), pointer, catalog, lookup(), selfKey).stream()
                            .filter(e -> !seen.contains(e.pointer()))
                            .forEach(errors::add);
                } catch (RuntimeException partialRule) {
                    // a partial rule may lack what validation needs; the parse errors stand on their own
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(
                    "The segment is not valid; fix the errors listed (each has a pointer to the" + " field).", errors);
        }
        return parsed;
    }

    /** What a checked rule probably did not mean, against the current catalog (see {@link UnknownValues}). */
    public List<RuleWarning> warnings(Rule rule) {
        return UnknownValues.of(rule, catalogs.current());
    }

    /** Every string of a rule, and every member name, within {@link FieldLimit#VALUE}. */
    private static void oversizeStrings(JsonNode node, String at, List<ProblemError> errors) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            FieldLimit.VALUE.check(node.textValue(), at, errors);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                oversizeStrings(node.get(i), at + "/" + i, errors);
            }
        } else if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var field = it.next();
                if (FieldLimit.FIELD_NAME.problem(field.getKey()).isPresent()) {
                    errors.add(new ProblemError(
                            at, "a member name has " + field.getKey().length() + " characters; rules use short names"));
                } else {
                    oversizeStrings(field.getValue(), JsonChecks.child(at, field.getKey()), errors);
                }
            }
        }
    }

    @Transactional
    public SegmentView create(SegmentRequest request, String actor) {
        List<ProblemError> errors = fieldErrors(request, true);
        Rule rule = checkedRule(request.rule(), "/rule", request.key(), errors);
        store.requireAbsent(request.key());
        Segment s = store.newApiManaged(request.key(), actor, Segment::new);
        s.version = nextVersion(s.key);
        apply(s, request);
        store.touch(s, actor);
        SegmentView created = store.created(s);
        writeVersion(s, s.version, "create", actor);
        return created.withWarnings(warnings(rule));
    }

    @Transactional
    public SegmentView update(String key, SegmentRequest request, Integer ifMatch, String actor) {
        Segment s = find(key);
        store.requireWritable(s, ifMatch);
        if (request.key() != null && !request.key().equals(key)) {
            throw ApiException.invalid(
                    "A segment's key cannot change.",
                    List.of(new ProblemError("/key", "must be '" + key + "' (the key in the path) or omitted")));
        }
        List<ProblemError> errors = fieldErrors(request, false);
        Rule rule = checkedRule(request.rule(), "/rule", key, errors);
        SegmentView before = view(s);
        apply(s, request);
        store.touch(s, actor);
        SegmentView after = store.saved(s, before);
        writeVersion(s, s.version, "update", actor);
        return after.withWarnings(warnings(rule));
    }

    @Transactional
    public void delete(String key, Integer ifMatch, String actor) {
        Segment s = find(key);
        store.requireWritable(s, ifMatch);
        remove(s, actor);
    }

    /** Deletes a segment no other segment or sync uses (409 {@code segment_in_use} otherwise), with its history. */
    void remove(Segment s, String actor) {
        List<String> users = referencingSegments(s.key);
        if (!users.isEmpty()) {
            throw ApiException.conflict(
                    "segment_in_use",
                    "Segment '" + s.key + "' is used by segment(s) " + users + "; remove those references first.");
        }
        List<String> syncs = syncsOf(s.key);
        if (!syncs.isEmpty()) {
            throw ApiException.conflict(
                    "segment_in_use",
                    "Segment '" + s.key + "' is sent by sync(s) " + syncs + "; delete or repoint those syncs first.");
        }
        int version = s.version + 1;
        store.deleted(s);
        writeVersion(s, version, "delete", actor);
    }

    /** Syncs sending this segment. */
    public List<String> syncsOf(String key) {
        return users.stream().flatMap(u -> u.syncsOf(key).stream()).sorted().toList();
    }

    public List<SegmentVersion> versions(String key) {
        if (Segment.findById(key) == null && SegmentVersion.count("segmentKey", key) == 0) {
            find(key);
        }
        return SegmentVersion.list("segmentKey = ?1 order by version desc", key);
    }

    /** At most {@code limit + 1} versions of a segment, newest first, older than {@code before} (null: the newest). */
    public List<SegmentVersion> versions(String key, Integer before, int limit) {
        if (Segment.findById(key) == null && SegmentVersion.count("segmentKey", key) == 0) {
            find(key);
        }
        var sort = io.quarkus.panache.common.Sort.descending("version");
        var query = before == null
                ? SegmentVersion.<SegmentVersion>find("segmentKey = ?1", sort, key)
                : SegmentVersion.<SegmentVersion>find("segmentKey = ?1 and version < ?2", sort, key, before);
        return query.range(0, limit).list();
    }

    /** Saved segments whose rule refers to {@code key}. */
    List<String> referencingSegments(String key) {
        List<String> users = new ArrayList<>();
        for (Segment other : Segment.<Segment>listAll()) {
            if (!other.key.equals(key) && references(readRule(other.ruleJson), key)) {
                users.add(other.key);
            }
        }
        return users;
    }

    private static boolean references(JsonNode node, String key) {
        if (node == null) {
            return false;
        }
        if (node.isObject()
                && node.has("segment")
                && key.equals(node.get("segment").asText(null))) {
            return true;
        }
        for (JsonNode child : node) {
            if (references(child, key)) {
                return true;
            }
        }
        return false;
    }

    private List<ProblemError> fieldErrors(SegmentRequest r, boolean creating) {
        List<ProblemError> errors = new ArrayList<>();
        if (creating) {
            JsonChecks.keyProblem(r.key(), "math_slipping").ifPresent(m -> errors.add(new ProblemError("/key", m)));
        }
        if (r.name() == null || r.name().isBlank()) {
            errors.add(new ProblemError("/name", "a name is required, e.g. \"Math learners slipping\""));
        } else if (!FieldLimit.NAME.check(r.name(), "/name", errors)) {
            // reported
        } else if (r.name().chars().anyMatch(Character::isISOControl)) {
            errors.add(new ProblemError("/name", "must not contain control characters"));
        }
        if (!FieldLimit.DESCRIPTION.check(r.description(), "/description", errors)) {
            // reported
        } else if (r.description() != null
                && r.description()
                        .chars()
                        .anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r')) {
            errors.add(new ProblemError("/description", "must not contain control characters other than line breaks"));
        }
        return errors;
    }

    /** Writes a request's definition into the row (not its key, source or bookkeeping). */
    void apply(Segment s, SegmentRequest r) {
        String ruleJson = write(r.rule());
        FieldLimit.storedTooLarge(ruleJson, FieldLimit.RULE_JSON, "/rule", "The rule")
                .ifPresent(e -> {
                    throw ApiException.invalid("The segment's rule is too large to store.", List.of(e));
                });
        s.name = r.name().strip();
        s.description = r.description();
        s.ruleJson = ruleJson;
    }

    /** The version a new segment starts at: after the history of a deleted segment with the same key, if any. */
    int nextVersion(String key) {
        Integer last = SegmentVersion.getEntityManager()
                .createQuery("select max(v.version) from SegmentVersion v where v.segmentKey = ?1", Integer.class)
                .setParameter(1, key)
                .getSingleResult();
        return last == null ? 1 : last + 1;
    }

    void writeVersion(Segment s, int version, String change, String actor) {
        SegmentVersion v = new SegmentVersion();
        v.segmentKey = s.key;
        v.version = version;
        v.name = s.name;
        v.description = s.description;
        v.ruleJson = s.ruleJson;
        v.changeKind = change;
        v.changedAt = clock.instant();
        v.changedBy = actor;
        v.persist();
    }

    SegmentView view(Segment s) {
        return new SegmentView(
                s.key,
                s.name,
                s.description,
                readRule(s.ruleJson),
                s.version,
                s.source,
                s.sourceFile,
                s.createdAt,
                s.createdBy,
                s.updatedAt,
                s.updatedBy,
                null);
    }

    JsonNode readRule(String ruleJson) {
        try {
            return json.readTree(ruleJson);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored rule is not JSON", e);
        }
    }

    String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A saved segment's rule, parsed; empty if there is no such segment. */
    public Optional<Parsed> parsedRule(String key) {
        return Optional.ofNullable(Segment.<Segment>findById(key)).map(s -> RuleParser.parse(readRule(s.ruleJson), ""));
    }

    /** All saved segments' rules as they are now, for code that resolves references outside a transaction. */
    public SegmentLookup snapshot() {
        java.util.Map<String, JsonNode> rules = new java.util.HashMap<>();
        for (Segment s : Segment.<Segment>listAll()) {
            rules.put(s.key, readRule(s.ruleJson));
        }
        return key -> Optional.ofNullable(rules.get(key));
    }
}
