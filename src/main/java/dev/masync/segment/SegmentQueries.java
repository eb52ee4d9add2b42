package dev.masync.segment;

import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogService;
import dev.masync.platform.MasyncConfig;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ListParams;
import dev.masync.platform.problem.ProblemError;
import dev.masync.segment.rule.Rule;
import dev.masync.segment.rule.SegmentCompiler;
import dev.masync.segment.rule.SupportedTimes;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.Row;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseProvider;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Evaluates segment rules in the warehouse: counts, members, samples. */
@ApplicationScoped
public class SegmentQueries {
    static final int MAX_PAGE = 1000;

    private final WarehouseProvider warehouses;
    private final CatalogService catalogs;
    private final SegmentService segments;
    private final MasyncConfig config;
    private final SegmentsConfig limits;
    private final Clock clock;

    SegmentQueries(
            WarehouseProvider warehouses,
            CatalogService catalogs,
            SegmentService segments,
            MasyncConfig config,
            SegmentsConfig limits,
            Clock clock) {
        this.warehouses = warehouses;
        this.catalogs = catalogs;
        this.segments = segments;
        this.config = config;
        this.limits = limits;
        this.clock = clock;
    }

    /** One member with the requested attributes. */
    public record Member(String key, Map<String, Object> attributes) {}

    /** The compiled SQL of a query, for display; values are listed beside it, never inlined. */
    public record CompiledSql(String dialect, String sql, List<Object> params) {
        static CompiledSql of(String dialect, BoundQuery q) {
            return new CompiledSql(
                    dialect,
                    q.sql(),
                    q.params().stream()
                            .map(p -> p.value() == null ? null : (Object) String.valueOf(p.value()))
                            .toList());
        }
    }

    /** A rule's evaluation; {@code warnings}: its values that probably select nobody (never errors). */
    public record Preview(
            long count,
            List<Member> sample,
            CompiledSql sql,
            Instant asOf,
            Long bytesProcessed,
            List<dev.masync.segment.rule.RuleWarning> warnings) {
        Preview withWarnings(List<dev.masync.segment.rule.RuleWarning> w) {
            return new Preview(count, sample, sql, asOf, bytesProcessed, List.copyOf(w));
        }
    }

    /**
     * One page of a segment's members by learner key: the list envelope ({@code items}, {@code nextCursor}, see
     * {@link dev.masync.platform.Page}) with the time the membership was evaluated at.
     */
    public record MembersPage(List<Member> items, String nextCursor, Instant asOf) {}

    /**
     * How a proposed definition would change membership compared with the saved one; {@code warnings}: values of the
     * proposed rule that probably select nobody.
     */
    public record Change(
            long entering,
            long leaving,
            long staying,
            List<String> enteringSample,
            List<String> leavingSample,
            List<String> stayingSample,
            Instant asOf,
            List<dev.masync.segment.rule.RuleWarning> warnings) {
        Change withWarnings(List<dev.masync.segment.rule.RuleWarning> w) {
            return new Change(
                    entering, leaving, staying, enteringSample, leavingSample, stayingSample, asOf, List.copyOf(w));
        }
    }

    /** One node of the rule and whether it held for the learner, with the value it looked at. */
    public record ConditionResult(
            String pointer,

            @org.eclipse.microprofile.openapi.annotations.media.Schema(
                    implementation = dev.masync.segment.rule.RuleSchema.class)
            com.fasterxml.jackson.databind.JsonNode condition,

            Boolean held,
            Object value) {}

    public record ExplainResult(
            String segment,
            String learnerKey,
            boolean found,
            boolean member,
            Instant asOf,
            List<ConditionResult> conditions) {}

    private boolean integerKeys() {
        Catalog catalog = catalogs.current();
        return catalog.learners()
                .column(catalog.learnerKey())
                .map(c -> c.type() == dev.masync.warehouse.ColumnType.INTEGER)
                .orElse(false);
    }

    public SegmentCompiler compiler() {
        Catalog catalog = catalogs.current();
        return new SegmentCompiler(warehouse().dialect(), catalog, config.timeZone(), segments.lookup());
    }

    public Preview preview(Rule rule, Instant asOf, List<String> attributes, int sampleSize) {
        SegmentCompiler compiler = compiler();
        List<String> attrs = checkedAttributes(attributes);
        BoundQuery count = compiler.count(rule, asOf);
        long n = count(count);
        List<Member> sample = members(compiler.members(rule, asOf, attrs, null, sampleSize), attrs);
        java.util.OptionalLong estimate = warehouse().estimateBytes(count);
        Long bytes = estimate.isPresent() ? estimate.getAsLong() : null;
        return new Preview(n, sample, CompiledSql.of(warehouse().kind(), count), asOf, bytes, List.of());
    }

    /**
     * @param after      the learner key the page starts after, or null
     * @param cursorName the query parameter {@code after} came from, for the problem when it is no learner key
     */
    public MembersPage members(
            Rule rule, Instant asOf, List<String> attributes, String after, String cursorName, int limit) {
        List<String> attrs = checkedAttributes(attributes);
        if (after != null && integerKeys() && !after.trim().matches("-?\\d{1,18}")) {
            throw ListParams.invalidCursor(cursorName, after, "a learner key from the previous page (a whole number)");
        }
        // one more than a page, to know whether another follows
        List<Member> rows = members(compiler().members(rule, asOf, attrs, after, limit + 1), attrs);
        dev.masync.platform.Page<Member> page =
                dev.masync.platform.Cursors.page(rows, limit, m -> m, m -> dev.masync.platform.Cursors.ofKey(m.key()));
        return new MembersPage(page.items(), page.nextCursor(), asOf);
    }

    public Change change(Rule saved, Rule proposed, Instant asOf, int sampleSize) {
        Change[] out = new Change[1];
        query(compiler().change(saved, proposed, asOf, sampleSize), row -> {
            out[0] = new Change(
                    num(row.get("entering")),
                    num(row.get("leaving")),
                    num(row.get("staying")),
                    keys(row.get("entering_sample")),
                    keys(row.get("leaving_sample")),
                    keys(row.get("staying_sample")),
                    asOf,
                    List.of());
            return false;
        });
        return out[0];
    }

    /** Evaluates every node of the rule for one learner; {@code ruleJson} gives each node's text back. */
    public ExplainResult explain(
            String segmentKey,
            Rule rule,
            com.fasterxml.jackson.databind.JsonNode ruleJson,
            Instant asOf,
            String learnerKey) {
        dev.masync.segment.rule.Explanation e = compiler().explain(rule, asOf, learnerKey);
        Row[] found = new Row[1];
        query(e.query(), row -> {
            found[0] = row;
            return false;
        });
        if (found[0] == null) {
            return new ExplainResult(segmentKey, learnerKey, false, false, asOf, List.of());
        }
        Row row = found[0];
        Map<String, Object> values = new LinkedHashMap<>();
        for (var c : e.columns()) {
            if (c.kind() == dev.masync.segment.rule.Explanation.Kind.ATTRIBUTE
                    || c.kind() == dev.masync.segment.rule.Explanation.Kind.AGGREGATE) {
                values.put(c.pointer(), json(row.get(c.name())));
            }
        }
        boolean member = false;
        List<ConditionResult> conditions = new ArrayList<>();
        for (var c : e.columns()) {
            if (c.kind() == dev.masync.segment.rule.Explanation.Kind.IN_SEGMENT) {
                member = Boolean.TRUE.equals(row.get(c.name()));
            } else if (c.kind() == dev.masync.segment.rule.Explanation.Kind.CONDITION) {
                conditions.add(new ConditionResult(
                        c.pointer(),
                        node(ruleJson, c.pointer()),
                        (Boolean) row.get(c.name()),
                        values.get(c.pointer())));
            }
        }
        return new ExplainResult(segmentKey, learnerKey, true, member, asOf, conditions);
    }

    /** The node at a pointer of the form {@code /rule/...}; combinators are summarised, leaves returned whole. */
    private static com.fasterxml.jackson.databind.JsonNode node(
            com.fasterxml.jackson.databind.JsonNode rule, String pointer) {
        String relative = pointer.startsWith("/rule") ? pointer.substring("/rule".length()) : pointer;
        com.fasterxml.jackson.databind.JsonNode n = relative.isEmpty() ? rule : rule.at(relative);
        if (n.isObject() && (n.has("all") || n.has("any") || n.has("not"))) {
            String op = n.has("all") ? "all" : n.has("any") ? "any" : "not";
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                    .objectNode()
                    .put("combinator", op);
        }
        return n;
    }

    private static long num(Object v) {
        return v == null ? 0 : ((Number) v).longValue();
    }

    private static List<String> keys(Object v) {
        if (!(v instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().map(String::valueOf).toList();
    }

    long count(BoundQuery q) {
        long[] n = {0};
        query(q, row -> {
            n[0] = ((Number) row.get(0)).longValue();
            return false;
        });
        return n[0];
    }

    List<Member> members(BoundQuery q, List<String> attributes) {
        List<Member> out = new ArrayList<>();
        query(q, row -> {
            out.add(member(row, attributes));
            return true;
        });
        return out;
    }

    static Member member(Row row, List<String> attributes) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < attributes.size(); i++) {
            values.put(attributes.get(i), json(row.get(i + 1)));
        }
        return new Member(String.valueOf(row.get(0)), values);
    }

    /** Warehouse values as JSON-friendly values (timestamps and dates as ISO strings). */
    static Object json(Object v) {
        if (v instanceof java.time.temporal.Temporal || v instanceof java.math.BigDecimal) {
            return v.toString();
        }
        return v;
    }

    /** Attributes to return must exist in the learners table. */
    List<String> checkedAttributes(List<String> attributes) {
        if (attributes == null) {
            return List.of();
        }
        Catalog catalog = catalogs.current();
        List<ProblemError> errors = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < attributes.size(); i++) {
            String a = attributes.get(i);
            if (a == null || catalog.learners().column(a).isEmpty()) {
                errors.add(new ProblemError(
                        "/attributes/" + i,
                        "unknown attribute '" + a + "'; GET /api/v1/catalog lists the learner attributes"));
            } else if (!out.contains(a)) {
                out.add(a);
            }
        }
        if (out.size() > 50) {
            errors.add(new ProblemError("/attributes", "at most 50 attributes"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("Some requested attributes do not exist.", errors);
        }
        return out;
    }

    /**
     * Parses an {@code asOf} parameter (ISO-8601 instant); absent means now. A malformed instant, or one outside
     * {@link SupportedTimes}, is a 400 problem pointing at the parameter.
     */
    public Instant asOf(String value, String pointer) {
        if (value == null || value.isBlank()) {
            return clock.instant();
        }
        Instant asOf;
        try {
            asOf = Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(
                    "asOf is not an ISO-8601 instant.",
                    List.of(new ProblemError(pointer, "use an instant such as 2026-11-28T09:00:00Z")));
        }
        SupportedTimes.problem(asOf).ifPresent(p -> {
            throw ApiException.badRequest(
                    "asOf " + p + ".",
                    List.of(new ProblemError(
                            pointer,
                            "asOf " + p + "; use an instant such as 2026-11-28T09:00:00Z, or leave it out for now")));
        });
        return asOf;
    }

    static int limit(Integer value, int dflt, String pointer) {
        int v = value == null ? dflt : value;
        if (v < 1 || v > MAX_PAGE) {
            throw ApiException.invalid(
                    "Limit out of range.", List.of(new ProblemError(pointer, "must be between 1 and " + MAX_PAGE)));
        }
        return v;
    }

    /**
     * Runs a query on behalf of a request within the preview limits ({@code masync.segments.preview-timeout} and
     * {@code .preview-maximum-bytes-billed}); going past either is a 422 problem that says which limit and how to
     * stay within it.
     */
    private void query(BoundQuery q, dev.masync.warehouse.RowConsumer consumer) {
        java.time.Duration timeout = limits.previewTimeout();
        long bytes = limits.previewMaximumBytesBilled();
        dev.masync.warehouse.QueryMeter meter = new dev.masync.warehouse.QueryMeter() {
            @Override
            public void record(String call, dev.masync.warehouse.QueryCost cost) {}

            @Override
            public java.util.OptionalLong remainingBytesBilled() {
                return java.util.OptionalLong.of(bytes);
            }

            @Override
            public java.util.Optional<java.time.Duration> timeout() {
                return java.util.Optional.of(timeout);
            }
        };
        try {
            warehouse().query(q, consumer, meter);
        } catch (dev.masync.warehouse.WarehouseException e) {
            if (e.kind() == dev.masync.warehouse.WarehouseException.Kind.TIMED_OUT) {
                throw new ApiException(
                        422,
                        "preview_timeout",
                        "Evaluation took too long",
                        "The warehouse did not finish evaluating this segment within " + timeout
                                + " (masync.segments.preview-timeout) and the query was cancelled. Narrow the rule"
                                + " (fewer event conditions, shorter windows, fewer referenced segments), or ask an"
                                + " operator to raise the limit.",
                        List.of());
            }
            if (e.kind() == dev.masync.warehouse.WarehouseException.Kind.BUDGET_EXCEEDED) {
                throw new ApiException(
                        422,
                        "bytes_billed_limit",
                        "Query over the bytes-billed limit",
                        "BigQuery did not run this evaluation: it would bill more than " + bytes
                                + " bytes (masync.segments.preview-maximum-bytes-billed). Narrow the rule (fewer"
                                + " event conditions or shorter windows), or ask an operator to raise the limit.",
                        List.of());
            }
            throw e;
        }
    }

    private Warehouse warehouse() {
        return warehouses.get();
    }
}
