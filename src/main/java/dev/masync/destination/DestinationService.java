package dev.masync.destination;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.audit.AuditLog;
import dev.masync.connector.Connectors;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.Probe;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SchemaReader;
import dev.masync.connector.spi.SecretPolicy;
import dev.masync.connector.spi.SecretRef;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.connector.spi.SettingProblem;
import dev.masync.definition.DefinitionKind;
import dev.masync.definition.DefinitionStore;
import dev.masync.definition.JsonChecks;
import dev.masync.destination.DestinationCheck.CheckProblem;
import dev.masync.destination.DestinationDefinition.RateLimit;
import dev.masync.destination.DestinationView.RateLimitView;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ProblemError;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Destinations: validated against their connector before anything is stored, secrets only by reference, protected by
 * optimistic concurrency, read-only when a file under {@code connectors/destinations/} manages them, and kept while
 * a sync uses them. The sync engine reads them with {@link #find} and {@link #list}.
 */
@ApplicationScoped
public class DestinationService {
    private static final Logger LOG = Logger.getLogger(DestinationService.class);
    private static final TypeReference<LinkedHashMap<String, String>> SETTINGS = new TypeReference<>() {};
    static final int MAX_SETTINGS_JSON = dev.masync.definition.FieldLimit.SETTINGS_JSON;
    static final DefinitionKind KIND = new DefinitionKind("destination", "Destination", "/api/v1/destinations");

    private final Connectors connectors;
    private final DestinationValidator validator;
    private final DestinationUsers users;
    private final SecretResolver secrets;
    private final SecretPolicy secretPolicy;
    private final ObjectMapper json;
    private final DefinitionStore<StoredDestination, DestinationView> store;
    private final DestinationSchemas schemas;
    private final DestinationMappings mappings;

    DestinationService(
            Connectors connectors,
            DestinationUsers users,
            DestinationSchemas schemas,
            DestinationMappings mappings,
            SecretResolver secrets,
            SecretPolicy secretPolicy,
            ObjectMapper json,
            Clock clock,
            AuditLog audit) {
        this.connectors = connectors;
        this.secretPolicy = secretPolicy;
        this.validator = new DestinationValidator(connectors, secretPolicy);
        this.users = users;
        this.schemas = schemas;
        this.mappings = mappings;
        this.secrets = secrets;
        this.json = json;
        this.store = new DefinitionStore<>(KIND, StoredDestination.class, this::view, clock, audit);
    }

    /** The destination with this key, if any. */
    @Transactional
    public Optional<DestinationDefinition> find(String key) {
        return Optional.ofNullable(key == null ? null : StoredDestination.<StoredDestination>findById(key))
                .map(this::definition);
    }

    /** Every destination, by key. */
    @Transactional
    public List<DestinationDefinition> list() {
        return StoredDestination.<StoredDestination>listAll(Sort.by("key")).stream()
                .map(this::definition)
                .toList();
    }

    /** One page of destinations by key, after {@code afterKey} (null: from the first). */
    @Transactional
    public dev.masync.platform.Page<DestinationView> page(String afterKey, int limit) {
        List<StoredDestination> rows = afterKey == null
                ? StoredDestination.<StoredDestination>findAll(Sort.by("key"))
                        .range(0, limit)
                        .list()
                : StoredDestination.<StoredDestination>find("key > ?1", Sort.by("key"), afterKey)
                        .range(0, limit)
                        .list();
        return dev.masync.platform.Cursors.page(rows, limit, this::view, s -> dev.masync.platform.Cursors.ofKey(s.key));
    }

    @Transactional
    public List<DestinationView> views() {
        return StoredDestination.<StoredDestination>listAll(Sort.by("key")).stream()
                .map(this::view)
                .toList();
    }

    @Transactional
    public DestinationView view(String key) {
        return view(stored(key));
    }

    /** Creates an API-managed destination from a definition; 400/422 with every error, 409 if the key is taken. */
    @Transactional
    public DestinationView create(JsonNode body, String actor) {
        DestinationDefinition d = validator
                .check(body, null, null, DestinationDefinition.SOURCE_API)
                .orThrow();
        store.requireAbsent(d.key());
        StoredDestination s = store.newApiManaged(d.key(), actor, StoredDestination::new);
        apply(s, d);
        store.touch(s, actor);
        return store.created(s);
    }

    /** Replaces a destination's definition; needs the version read ({@code If-Match}); the type cannot change. */
    @Transactional
    public DestinationView update(String key, JsonNode body, Integer ifMatch, String actor) {
        StoredDestination s = stored(key);
        store.requireWritable(s, ifMatch);
        DestinationDefinition d = validator
                .check(body, key, null, DestinationDefinition.SOURCE_API)
                .orThrow();
        if (!d.type().equals(s.type)) {
            throw ApiException.invalid(
                    "A destination's type cannot change.",
                    List.of(new ProblemError(
                            "/type", "must stay '" + s.type + "'; create a new destination for another type")));
        }
        DestinationView before = view(s);
        apply(s, d);
        store.touch(s, actor);
        return store.saved(s, before);
    }

    /** Deletes an API-managed destination; needs {@code If-Match}; 409 while a sync uses it. */
    @Transactional
    public void delete(String key, Integer ifMatch) {
        delete(key, ifMatch, users);
    }

    @Transactional
    void delete(String key, Integer ifMatch, DestinationUsers users) {
        StoredDestination s = stored(key);
        store.requireWritable(s, ifMatch);
        remove(s, users);
    }

    /** Deletes a destination no sync uses; 409 {@code destination_in_use} otherwise. */
    void remove(StoredDestination s, DestinationUsers users) {
        List<String> syncs = users.syncsUsing(s.key);
        if (!syncs.isEmpty()) {
            throw ApiException.conflict(
                    "destination_in_use",
                    "Destination '" + s.key + "' is used by sync(s) " + syncs
                            + "; point those syncs elsewhere or delete them first.");
        }
        store.deleted(s);
        schemas.invalidate(s.key);
    }

    /**
     * Checks a saved destination without sending records: its settings, every secret it references (reported
     * missing or empty by reference, never by value), when its connector is a {@link Probe} and everything else is
     * fine, the probe, and then, when its connector is a {@link SchemaReader}, every sync writing to it against the
     * schema read now (fields that do not exist, are read-only or cannot take what is mapped to them; identities
     * that cannot find records), each problem naming its sync.
     */
    public DestinationCheck test(String key) {
        DestinationDefinition d = find(key).orElseThrow(() -> KIND.notFound(key));
        Optional<Destination> connector = connectors.byType(d.type());
        if (connector.isEmpty()) {
            return DestinationCheck.of(List.of(new CheckProblem(
                    "/type",
                    "unknown_type",
                    "no connector of type '" + d.type() + "' is installed; known types: " + connectors.types())));
        }
        Destination c = connector.get();
        List<CheckProblem> problems = new ArrayList<>();
        List<String> reported = new ArrayList<>();
        for (SettingProblem p : c.validate(d.settings())) {
            problems.add(new CheckProblem(JsonChecks.pointer("settings", p.setting()), "invalid_setting", p.message()));
            reported.add(p.setting());
        }
        for (String name : c.secretSettings().stream().sorted().toList()) {
            String value = d.settings().get(name);
            if (value == null || reported.contains(name)) {
                continue;
            }
            String pointer = JsonChecks.pointer("settings", name);
            Optional<String> notAReference = DestinationValidator.referenceProblem(value, secretPolicy);
            if (notAReference.isPresent()) {
                problems.add(new CheckProblem(pointer, "invalid_setting", notAReference.get()));
                continue;
            }
            SecretRef ref = SecretRef.parse(value);
            try {
                if (secrets.resolve(ref).reveal().isEmpty()) {
                    problems.add(new CheckProblem(
                            pointer, "secret_empty", "secret " + ref + " is empty; put the" + " secret there"));
                }
            } catch (PermanentException e) {
                problems.add(new CheckProblem(
                        pointer,
                        "secret_missing",
                        e.getCause() == null && !e.getMessage().endsWith("is not set")
                                ? e.getMessage()
                                : missing(ref)));
            } catch (RuntimeException e) {
                problems.add(new CheckProblem(pointer, "secret_missing", missing(ref)));
            }
        }
        if (problems.isEmpty() && c instanceof Probe probe) {
            problems.addAll(probe(probe, d));
        }
        if (problems.isEmpty() && c instanceof SchemaReader) {
            problems.addAll(mappings(d));
        }
        return DestinationCheck.of(problems);
    }

    private List<CheckProblem> mappings(DestinationDefinition d) {
        DestinationSchemas.Lookup lookup = schemas.readNow(d);
        if (lookup instanceof DestinationSchemas.Found found) {
            return mappings.check(d, found.schema());
        }
        if (lookup instanceof DestinationSchemas.Unreadable u) {
            return List.of(new CheckProblem(
                    "",
                    u.code(),
                    "the fields of destination '" + d.key() + "' could not be read, so the syncs writing to it were"
                            + " not checked: " + u.message()));
        }
        return List.of();
    }

    private List<CheckProblem> probe(Probe probe, DestinationDefinition d) {
        try {
            probe.probe(d.context(secrets));
            return List.of();
        } catch (PermanentException e) {
            return List.of(new CheckProblem("", e.code().name().toLowerCase(Locale.ROOT), e.getMessage()));
        } catch (RetryableException e) {
            return List.of(new CheckProblem(
                    "",
                    "unavailable",
                    e.getMessage()
                            + e.retryAfter()
                                    .map(Duration::toSeconds)
                                    .map(s -> "; the destination asks to wait " + s + " s")
                                    .orElse("")
                            + "; try again later"));
        } catch (RuntimeException e) {
            LOG.warnf(e, "probe of destination '%s' failed", d.key());
            return List.of(new CheckProblem(
                    "",
                    "probe_failed",
                    "the " + d.type() + " connector failed (" + e.getClass().getSimpleName()
                            + "); the logs have the details"));
        }
    }

    private static String missing(SecretRef ref) {
        return switch (ref.source()) {
            case ENV ->
                "secret " + ref + " is missing: the environment variable " + ref.location() + " is not set"
                        + " for the daemon; set it (e.g. from a Kubernetes secret) and restart";
            case FILE ->
                "secret " + ref + " is missing: the file " + ref.location() + " cannot be read; mount or"
                        + " create it, readable by the daemon";
        };
    }

    DestinationValidator validator() {
        return validator;
    }

    StoredDestination stored(String key) {
        return store.get(key);
    }

    DefinitionStore<StoredDestination, DestinationView> store() {
        return store;
    }

    /** Writes a checked definition into the row (not its key, source or bookkeeping). */
    void apply(StoredDestination s, DestinationDefinition d) {
        String settingsJson = write(d.settings());
        if (settingsJson.length() > MAX_SETTINGS_JSON) {
            throw ApiException.invalid(
                    "The settings are too large.",
                    List.of(new ProblemError(
                            "/settings",
                            "the settings take " + settingsJson.length() + " characters as JSON; at most "
                                    + MAX_SETTINGS_JSON)));
        }
        schemas.invalidate(s.key);
        s.name = d.name();
        s.type = d.type();
        s.settingsJson = settingsJson;
        s.batchSize = d.batchSize().orElse(null);
        s.rateRequests = d.rateLimit().map(RateLimit::requests).orElse(null);
        s.ratePerMs = d.rateLimit().map(r -> r.per().toMillis()).orElse(null);
    }

    /** Whether the row already holds exactly this definition (from this file). */
    boolean holds(StoredDestination s, DestinationDefinition d, String sourceFile) {
        DestinationDefinition current = definition(s);
        return current.equals(new DestinationDefinition(
                        d.key(), d.name(), d.type(), d.settings(), d.batchSize(), d.rateLimit(), s.source))
                && sourceFile.equals(s.sourceFile);
    }

    DestinationDefinition definition(StoredDestination s) {
        Optional<RateLimit> rate = s.rateRequests == null || s.ratePerMs == null
                ? Optional.empty()
                : Optional.of(new RateLimit(s.rateRequests, Duration.ofMillis(s.ratePerMs)));
        return new DestinationDefinition(
                s.key, s.name, s.type, settings(s), Optional.ofNullable(s.batchSize), rate, s.source);
    }

    DestinationView view(StoredDestination s) {
        RateLimitView rate = s.rateRequests == null || s.ratePerMs == null
                ? null
                : new RateLimitView(
                        s.rateRequests, Duration.ofMillis(s.ratePerMs).toString());
        return new DestinationView(
                s.key,
                s.name,
                s.type,
                settings(s),
                s.batchSize,
                rate,
                s.version,
                s.source,
                s.sourceFile,
                s.createdAt,
                s.createdBy,
                s.updatedAt,
                s.updatedBy);
    }

    private Map<String, String> settings(StoredDestination s) {
        try {
            return json.readValue(s.settingsJson, SETTINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored settings of destination " + s.key + " are not JSON", e);
        }
    }

    private String write(Map<String, String> settings) {
        try {
            return json.writeValueAsString(settings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
