package dev.masync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogColumn;
import dev.masync.connector.spi.Capabilities;
import dev.masync.connector.spi.Capabilities.IdentityKind;
import dev.masync.definition.FieldLimit;
import dev.masync.definition.JsonChecks;
import dev.masync.platform.problem.ProblemError;
import dev.masync.segment.rule.TimeAmount;
import dev.masync.sync.SyncDefinition.FieldMapping;
import dev.masync.sync.SyncDefinition.Format;
import dev.masync.sync.SyncDefinition.Membership;
import dev.masync.warehouse.ColumnType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Reads a sync definition from JSON (REST body or YAML file) and checks it against the catalog, the segments and the
 * destinations. Collects every problem with a JSON pointer and a message that says how to fix it.
 */
public final class SyncDefinitionParser {
    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]{0,199}");
    /** A list is often named by the destination's id (a HubSpot list id is a number, a Salesforce campaign id 701…). */
    private static final Pattern LIST = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199}");
    /** The shortest interval between two scheduled runs, for {@code every} and {@code cron} alike. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

    /** What a definition is checked against. */
    public record Context(
            Catalog catalog,
            Predicate<String> segmentExists,
            Function<String, Optional<Capabilities>> destinationCapabilities) {}

    /** The definition, or the problems that prevent it. */
    public record Result(SyncDefinition definition, List<ProblemError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private final Context context;
    private final List<ProblemError> errors = new ArrayList<>();

    private SyncDefinitionParser(Context context) {
        this.context = context;
    }

    /**
     * @param keyFromPath the key given by the URL of a PUT (the body may omit it); null for a create
     */
    public static Result parse(JsonNode body, String keyFromPath, Context context) {
        SyncDefinitionParser p = new SyncDefinitionParser(context);
        SyncDefinition d = p.definition(body, keyFromPath);
        return new Result(p.errors.isEmpty() ? d : null, List.copyOf(p.errors));
    }

    /**
     * The schedule of a stored definition alone, without checking the rest against the catalog: a sync whose
     * segment or mapping no longer fits the warehouse keeps its schedule (its runs fail and say why).
     */
    public static Optional<SyncDefinition.Schedule> scheduleOf(JsonNode body) {
        if (body == null || !body.isObject()) {
            return Optional.empty();
        }
        SyncDefinitionParser p = new SyncDefinitionParser(null);
        Optional<SyncDefinition.Schedule> s = p.schedule(body.get("schedule"));
        return p.errors.isEmpty() ? s : Optional.empty();
    }

    private SyncDefinition definition(JsonNode body, String keyFromPath) {
        if (body == null || !body.isObject()) {
            error("", "send a JSON object describing the sync");
            return null;
        }
        allowOnly(
                body,
                "",
                "key",
                "name",
                "segment",
                "destination",
                "identity",
                "mapping",
                "membership",
                "mode",
                "schedule",
                "paused",
                "guard",
                "freshness",
                "maxBytesBilled");
        String key = text(body, "key", "", keyFromPath == null);
        if (keyFromPath != null) {
            if (key != null && !key.equals(keyFromPath)) {
                error(
                        "/key",
                        "the key in the body (" + key + ") differs from the URL (" + keyFromPath
                                + "); omit it or make them equal");
            }
            key = keyFromPath;
        }
        if (key != null) {
            JsonChecks.keyProblem(key, "nightly_crm").ifPresent(m -> error("/key", m));
        }
        String name = Optional.ofNullable(text(body, "name", "", false)).orElse(key);
        String segment = text(body, "segment", "", true);
        if (segment != null && !context.segmentExists().test(segment)) {
            error("/segment", "no segment '" + segment + "'; create it first or use a key from GET /api/v1/segments");
        }
        String destination = text(body, "destination", "", true);
        Optional<Capabilities> capabilities = Optional.empty();
        if (destination != null) {
            capabilities = context.destinationCapabilities().apply(destination);
            if (capabilities.isEmpty()) {
                error(
                        "/destination",
                        "no destination '" + destination
                                + "'; create it first or use a key from GET /api/v1/destinations");
            }
        }
        SyncDefinition.Identity identity = identity(body.get("identity"));
        List<FieldMapping> mapping = mapping(body.get("mapping"));
        Optional<Membership> membership = membership(body.get("membership"), capabilities);
        SyncDefinition.Mode mode = mode(body.get("mode"));
        if (capabilities.isPresent()) {
            checkCapabilities(destination, capabilities.get(), body, identity, mode);
        }
        Optional<SyncDefinition.Schedule> schedule = schedule(body.get("schedule"));
        boolean paused = bool(body, "paused", "");
        SyncDefinition.Guard guard = guard(body.get("guard"));
        Optional<SyncDefinition.Freshness> freshness = freshness(body.get("freshness"));
        OptionalLong maxBytesBilled = maxBytesBilled(body.get("maxBytesBilled"));
        checkTargets(identity, mapping, membership);
        checkSomethingToSend(body, mapping, membership, capabilities);
        if (!errors.isEmpty()) {
            return null;
        }
        return new SyncDefinition(
                key,
                name,
                segment,
                destination,
                identity,
                mapping,
                membership,
                mode,
                schedule,
                paused,
                guard,
                freshness,
                maxBytesBilled);
    }

    private SyncDefinition.Identity identity(JsonNode node) {
        String keyColumn = context.catalog().learnerKey();
        if (node == null || node.isNull()) {
            return new SyncDefinition.Identity(keyColumn, keyColumn);
        }
        if (!node.isObject()) {
            error("/identity", "identity is an object: {\"attribute\": \"email\", \"field\": \"email\"}");
            return null;
        }
        allowOnly(node, "/identity", "attribute", "field", "kind");
        IdentityKind kind = IdentityKind.ANY_STRING;
        String kindText = text(node, "kind", "/identity", false);
        if (kindText != null) {
            try {
                kind = IdentityKind.valueOf(kindText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                error("/identity/kind", "use one of " + Capabilities.names(EnumSet.allOf(IdentityKind.class)));
            }
        }
        String attribute =
                Optional.ofNullable(text(node, "attribute", "/identity", false)).orElse(keyColumn);
        Optional<CatalogColumn> column = context.catalog().learners().column(attribute);
        if (column.isEmpty()) {
            error(
                    "/identity/attribute",
                    "no attribute '" + attribute + "' in "
                            + context.catalog().learners().name() + "; pick one from GET /api/v1/catalog");
        } else if (!identityType(column.get().type())) {
            error(
                    "/identity/attribute",
                    "'" + attribute + "' is " + column.get().type().jsonName()
                            + "; identify learners by a string or integer attribute");
        } else if (kind == IdentityKind.EMAIL && column.get().type() != ColumnType.STRING) {
            error(
                    "/identity/attribute",
                    "'" + attribute + "' is " + column.get().type().jsonName()
                            + "; an email identity needs a string attribute holding the address");
        }
        String field =
                Optional.ofNullable(text(node, "field", "/identity", false)).orElse(attribute);
        if (field != null && !FIELD.matcher(field).matches()) {
            error("/identity/field", "use a field name of letters, digits, _ . or -, starting with a letter or _");
        }
        return new SyncDefinition.Identity(attribute, field, kind);
    }

    /** The identity kind and the mode the sync asks for must be among what the destination's connector declares. */
    private void checkCapabilities(
            String destination,
            Capabilities can,
            JsonNode body,
            SyncDefinition.Identity identity,
            SyncDefinition.Mode mode) {
        if (identity != null && !can.identifiesBy(identity.kind())) {
            String given = body.path("identity").hasNonNull("kind")
                    ? "identity kind " + Capabilities.name(identity.kind())
                    : "identity without a kind (any_string)";
            error(
                    "/identity/kind",
                    "destination '" + destination + "' does not take an " + given + "; it identifies records by "
                            + Capabilities.names(can.identityKinds()) + ": set identity.kind to one of them");
        }
        boolean modeUnreadable = errors.stream().anyMatch(e -> "/mode".equals(e.pointer()));
        if (modeUnreadable) {
            return; // "use upsert, update or mirror" said already
        }
        if (body.path("mode").isTextual() && !can.supports(mode.capability())) {
            error(
                    "/mode",
                    "destination '" + destination + "' does not support mode " + Capabilities.name(mode)
                            + "; use one of " + Capabilities.names(can.modes()));
        } else if (!body.hasNonNull("mode") && !can.supports(mode.capability())) {
            error(
                    "/mode",
                    "destination '" + destination + "' does not support the default mode upsert; set mode to one of "
                            + Capabilities.names(can.modes()));
        }
    }

    private static boolean identityType(ColumnType type) {
        return type == ColumnType.STRING || type == ColumnType.INTEGER;
    }

    private List<FieldMapping> mapping(JsonNode node) {
        List<FieldMapping> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            error("/mapping", "mapping is a list: [{\"source\": \"watch_minutes_7d\", \"target\": \"minutes_7d\"}]");
            return out;
        }
        if (node.size() > 200) {
            error("/mapping", "map at most 200 attributes per sync");
        }
        for (int i = 0; i < node.size(); i++) {
            String at = "/mapping/" + i;
            JsonNode m = node.get(i);
            if (!m.isObject()) {
                error(at, "each mapping is an object with source and target");
                continue;
            }
            allowOnly(m, at, "source", "target", "format");
            String source = text(m, "source", at, true);
            String target = Optional.ofNullable(text(m, "target", at, false)).orElse(source);
            Format format = Format.AUTO;
            String formatText = text(m, "format", at, false);
            if (formatText != null) {
                try {
                    format = Format.valueOf(formatText.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    error(at + "/format", "use one of auto, date, datetime, epoch_millis, string");
                    format = null;
                }
            }
            if (target != null && !FIELD.matcher(target).matches()) {
                error(at + "/target", "use a field name of letters, digits, _ . or -, starting with a letter or _");
            }
            if (source == null) {
                continue;
            }
            Optional<CatalogColumn> column = context.catalog().learners().column(source);
            if (column.isEmpty()) {
                error(
                        at + "/source",
                        "no attribute '" + source + "' in "
                                + context.catalog().learners().name() + "; pick one from GET /api/v1/catalog");
                continue;
            }
            ColumnType type = column.get().type();
            if (type == ColumnType.OTHER) {
                error(
                        at + "/source",
                        "'" + source + "' has type " + column.get().nativeType()
                                + " that cannot be sent; map a column of a plain type or cast it in a view");
            } else if (format != null && !formatFits(format, type)) {
                error(
                        at + "/format",
                        "format " + format.name().toLowerCase(Locale.ROOT) + " needs a date or"
                                + " timestamp attribute, but '" + source + "' is " + type.jsonName()
                                + "; use auto or string");
            }
            if (format != null && target != null) {
                out.add(new FieldMapping(source, target, format));
            }
        }
        return out;
    }

    private static boolean formatFits(Format format, ColumnType type) {
        return switch (format) {
            case AUTO, STRING -> true;
            case DATE, DATETIME, EPOCH_MILLIS -> type.isTemporal();
        };
    }

    private Optional<Membership> membership(JsonNode node, Optional<Capabilities> capabilities) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            error("/membership", "membership is an object: {\"style\": \"boolean\", \"field\": \"in_segment\"}");
            return Optional.empty();
        }
        allowOnly(node, "/membership", "style", "field", "value");
        String styleText = text(node, "style", "/membership", true);
        String field = text(node, "field", "/membership", true);
        String value = text(node, "value", "/membership", false);
        Membership.Style style = null;
        if (styleText != null) {
            try {
                style = Membership.Style.valueOf(styleText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                error("/membership/style", "use boolean, value or list");
            }
        }
        if (style == Membership.Style.VALUE && value == null) {
            error("/membership/value", "style value needs the value to set while a member, e.g. \"math_slipping\"");
        }
        if (style != Membership.Style.VALUE && value != null) {
            error("/membership/value", "only style value takes a value; remove it");
        }
        if (style != null && capabilities.isPresent() && !capabilities.get().supports(style.capability())) {
            Set<Capabilities.MembershipStyle> styles = capabilities.get().membershipStyles();
            error(
                    "/membership/style",
                    "this destination does not support style " + styleText
                            + (styles.isEmpty()
                                    ? "; it shows no membership: remove membership and map the fields instead"
                                    : "; use one of " + Capabilities.names(styles)));
        }
        if (field != null
                && !(style == Membership.Style.LIST ? LIST : FIELD)
                        .matcher(field)
                        .matches()) {
            error("/membership/field", "use a field or list name of letters, digits, _ . or -");
        }
        return style == null || field == null ? Optional.empty() : Optional.of(new Membership(style, field, value));
    }

    private SyncDefinition.Mode mode(JsonNode node) {
        if (node == null || node.isNull()) {
            return SyncDefinition.Mode.UPSERT;
        }
        if (node.isTextual()) {
            try {
                return SyncDefinition.Mode.valueOf(node.asText().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        error("/mode", "use upsert, update or mirror");
        return SyncDefinition.Mode.UPSERT;
    }

    private Optional<SyncDefinition.Schedule> schedule(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            error("/schedule", "schedule is an object: {\"every\": \"PT15M\"} or {\"cron\": \"0 6 * * *\"}");
            return Optional.empty();
        }
        allowOnly(node, "/schedule", "every", "cron");
        String every = text(node, "every", "/schedule", false);
        String cron = text(node, "cron", "/schedule", false);
        if ((every == null) == (cron == null)) {
            error("/schedule", "give exactly one of every (an ISO-8601 duration) or cron");
            return Optional.empty();
        }
        if (every != null) {
            Optional<TimeAmount> amount = TimeAmount.parse(every);
            Duration d = amount.map(TimeAmount::duration).orElse(null);
            if (d == null || d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(Duration.ofDays(31)) > 0) {
                error(
                        "/schedule/every",
                        "use an ISO-8601 duration between PT10S and P31D written with time"
                                + " units, e.g. PT15M or PT24H");
                return Optional.empty();
            }
            return Optional.of(new SyncDefinition.Schedule(Optional.of(d), Optional.empty()));
        }
        Optional<String> problem = CronSchedule.problem(cron, MIN_INTERVAL);
        if (problem.isPresent()) {
            error("/schedule/cron", problem.get());
            return Optional.empty();
        }
        return Optional.of(new SyncDefinition.Schedule(Optional.empty(), Optional.of(cron.trim())));
    }

    private SyncDefinition.Guard guard(JsonNode node) {
        SyncDefinition.Guard d = SyncDefinition.Guard.DEFAULT;
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            error("/guard", "guard is an object: {\"maxLeavePercent\": 20, \"maxChangePercent\": 50}");
            return d;
        }
        allowOnly(node, "/guard", "maxLeavePercent", "maxChangePercent", "minPreviousMembers");
        double leave = percent(node, "maxLeavePercent", d.maxLeavePercent());
        double change = percent(node, "maxChangePercent", d.maxChangePercent());
        long min = d.minPreviousMembers();
        JsonNode m = node.get("minPreviousMembers");
        if (m != null && !m.isNull()) {
            if (!m.canConvertToLong() || !m.isIntegralNumber() || m.asLong() < 0) {
                error("/guard/minPreviousMembers", "use a whole number of members, 0 or more");
            } else {
                min = m.asLong();
            }
        }
        return new SyncDefinition.Guard(leave, change, min);
    }

    private OptionalLong maxBytesBilled(JsonNode node) {
        if (node == null || node.isNull()) {
            return OptionalLong.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 1) {
            error(
                    "/maxBytesBilled",
                    "use a whole number of bytes, 1 or more (e.g. 10000000000 for 10 GB), or leave it out for no"
                            + " budget");
            return OptionalLong.empty();
        }
        return OptionalLong.of(node.asLong());
    }

    private double percent(JsonNode node, String name, double fallback) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 100) {
            error("/guard/" + name, "use a percentage between 0 and 100 (100 turns this check off)");
            return fallback;
        }
        return v.asDouble();
    }

    private Optional<SyncDefinition.Freshness> freshness(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            error("/freshness", "freshness is an object: {\"attribute\": \"updated_at\", \"maxAge\": \"PT36H\"}");
            return Optional.empty();
        }
        allowOnly(node, "/freshness", "attribute", "maxAge");
        String attribute = text(node, "attribute", "/freshness", true);
        String maxAge = text(node, "maxAge", "/freshness", false);
        if (attribute != null) {
            Optional<CatalogColumn> c = context.catalog().learners().column(attribute);
            if (c.isEmpty() || !c.get().type().isTemporal()) {
                error(
                        "/freshness/attribute",
                        "use a date or timestamp attribute of "
                                + context.catalog().learners().name() + " that shows when the data was last updated");
            }
        }
        Optional<Duration> age = Optional.empty();
        if (maxAge != null) {
            Duration d = TimeAmount.parse(maxAge).map(TimeAmount::duration).orElse(null);
            if (d == null || d.isNegative() || d.isZero()) {
                error("/freshness/maxAge", "use a positive ISO-8601 duration with time units, e.g. PT36H");
            } else {
                age = Optional.of(d);
            }
        }
        return attribute == null ? Optional.empty() : Optional.of(new SyncDefinition.Freshness(attribute, age));
    }

    private void checkTargets(
            SyncDefinition.Identity identity, List<FieldMapping> mapping, Optional<Membership> membership) {
        Map<String, String> used = new HashMap<>();
        if (identity != null) {
            used.put(identity.field(), "/identity/field");
        }
        if (membership.isPresent() && membership.get().style() != Membership.Style.LIST) {
            String field = membership.get().field();
            if (used.containsKey(field)) {
                error("/membership/field", "'" + field + "' is already the identity field; pick another name");
            }
            used.putIfAbsent(field, "/membership/field");
        }
        for (int i = 0; i < mapping.size(); i++) {
            String target = mapping.get(i).target();
            String earlier = used.putIfAbsent(target, "/mapping/" + i + "/target");
            if (earlier != null) {
                error(
                        "/mapping/" + i + "/target",
                        "field '" + target + "' is already written by " + earlier
                                + "; each destination field may be written once");
            }
        }
    }

    /**
     * A sync must write something besides the identity: a mapped field, a membership field, or a list membership
     * for a connector that keeps lists (for any other a list membership writes no field of the record). Without either, a member would be remembered as held although nothing was
     * sent for it, so such a definition is refused rather than silently delivering nothing.
     */
    private void checkSomethingToSend(
            JsonNode body,
            List<FieldMapping> mapping,
            Optional<Membership> membership,
            Optional<Capabilities> capabilities) {
        boolean mappingGiven = body.hasNonNull("mapping");
        boolean membershipGiven = body.hasNonNull("membership");
        if (!mapping.isEmpty() || (mappingGiven && !body.get("mapping").isEmpty())) {
            return; // something is mapped (or the mapping has its own problems, reported already)
        }
        if (membership.isPresent() && membership.get().style() != Membership.Style.LIST) {
            return;
        }
        if (membership.isPresent()
                && capabilities
                        .map(c -> c.supports(Capabilities.MembershipStyle.LIST))
                        .orElse(false)) {
            return; // the connector adds members to the list and removes leavers: that is something sent
        }
        if (membershipGiven && membership.isEmpty()) {
            return; // the membership has its own problems, reported already
        }
        error(
                mappingGiven ? "/mapping" : "",
                "the sync sends nothing but the identity: add a mapping (e.g. [{\"source\": \"plan\", \"target\":"
                        + " \"plan\"}]) or a membership (e.g. {\"style\": \"boolean\", \"field\": \"in_segment\"})");
    }

    private String text(JsonNode node, String name, String at, boolean required) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                error(at + "/" + name, "add " + name);
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            error(at + "/" + name, name + " must be a non-empty string");
            return null;
        }
        Optional<String> tooLong = limit(name).problem(v.textValue());
        if (tooLong.isPresent()) {
            error(at + "/" + name, tooLong.get());
            return null;
        }
        return v.asText();
    }

    /** The kind of each string member of a sync definition, for its size limit. */
    private static FieldLimit limit(String member) {
        return switch (member) {
            case "name" -> FieldLimit.NAME;
            case "key", "segment", "destination" -> FieldLimit.KEY;
            case "attribute", "field", "source", "target" -> FieldLimit.FIELD_NAME;
            case "value" -> FieldLimit.VALUE;
            default -> FieldLimit.SYNTAX; // every, cron, maxAge, style, format
        };
    }

    private boolean bool(JsonNode node, String name, String at) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            error(at + "/" + name, name + " must be true or false");
            return false;
        }
        return v.asBoolean();
    }

    private void allowOnly(JsonNode node, String at, String... names) {
        errors.addAll(JsonChecks.unknownFields(node, at, List.of(names)));
    }

    private void error(String pointer, String message) {
        errors.add(new ProblemError(pointer, message));
    }
}
