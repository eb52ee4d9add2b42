package dev.masync.segment.rule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogColumn;
import dev.masync.catalog.CatalogTable;
import dev.masync.catalog.EventTable;
import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.SqlDialect;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.Temporal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compiles validated rules to SQL of one warehouse dialect. Values are always bound parameters; identifiers come
 * from the catalog and are quoted by the dialect; every time bound is computed here from {@code asOf} and the zone.
 *
 * <p>Shape: each event condition becomes a CTE {@code eN(k, v)} that aggregates its event table per learner (its
 * {@code where} and window inside, one GROUP BY), LEFT JOINed to the learners table {@code l}; a segment referenced
 * once is inlined, one referenced several times (anywhere in the rule or the segments it reaches) becomes one CTE
 * {@code segN(k)} of its members, so nested references compile in time linear in the definitions' size. Every
 * condition is two-valued (NULL counts as false), so {@code not} is the complement.
 *
 * <p>Rules must have passed {@link RuleValidator} against the same catalog; otherwise methods throw
 * {@link IllegalArgumentException}. Instances are immutable and thread-safe.
 */
public final class SegmentCompiler {
    private static final int MAX_SAMPLE = 1000;

    private final SqlDialect dialect;
    private final Catalog catalog;
    private final ZoneId zone;
    private final SegmentLookup lookup;

    public SegmentCompiler(SqlDialect dialect, Catalog catalog, ZoneId zone, SegmentLookup lookup) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
    }

    /** One row, one column {@code count} (INTEGER): the number of learners in the segment. */
    public BoundQuery count(Rule rule, Instant asOf) {
        Query q = new Query(asOf, null, rule);
        Frag where = q.predicate(rule);
        Frag f = q.with()
                .sql("SELECT COUNT(*) AS count")
                .add(q.from())
                .sql(" WHERE ")
                .add(where);
        return build(f);
    }

    /**
     * Members ordered by key, for keyset paging. Columns: the learner key (named as in the learners table), then
     * {@code attributes} in the given order, named as the columns. At most {@code limit} rows, all with a key
     * greater than {@code afterKey} (null for the first page).
     */
    public BoundQuery members(Rule rule, Instant asOf, List<String> attributes, String afterKey, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        Query q = new Query(asOf, null, rule);
        Frag where = q.predicate(rule);
        Frag f = q.with().sql("SELECT ").add(q.key());
        for (String a : attributes) {
            CatalogColumn c = catalog.learners()
                    .column(a)
                    .orElseThrow(() -> new IllegalArgumentException("unknown attribute " + a));
            f.sql(", l.").sql(dialect.quoteIdentifier(c.name()));
        }
        f.add(q.from()).sql(" WHERE ").add(where);
        if (afterKey != null) {
            f.sql(" AND ").add(q.key()).sql(" > ").param(keyParam(afterKey));
        }
        f.sql(" ORDER BY ").add(q.key()).sql(" LIMIT ").param(QueryParam.of("limit", ColumnType.INTEGER, (long) limit));
        return build(f);
    }

    /**
     * Appends to {@code out} a query of all members, unordered, for use as a subquery of a larger statement: the
     * learner key (named as in the learners table), then {@code attributes} (distinct, without the key), named as the
     * columns. Parameters are bound into {@code out} in text order.
     */
    public void appendMembers(SqlBuilder out, Rule rule, Instant asOf, List<String> attributes) {
        Query q = new Query(asOf, null, rule);
        Frag where = q.predicate(rule);
        Frag f = q.with().sql("SELECT ").add(q.key());
        appendAttributes(f, attributes);
        f.add(q.from()).sql(" WHERE ").add(where);
        f.emit(out);
    }

    /**
     * Like {@link #appendMembers}, but only the members among the listed learners and, if {@code sameAs} is given
     * (an attribute of the learners table), the members whose value of it equals that of a listed learner: the
     * segment is evaluated for those learners only (event aggregates and referenced segments read only their
     * rows). The keys are one bound array parameter, never SQL text; keys that cannot be the learner key's type (text
     * for an integer key) match no learner.
     *
     * @param keys   learner keys as text, as {@code CAST(key AS STRING)} renders them
     * @param sameAs an attribute whose shared values widen the set (e.g. the identity, so that duplicates are seen)
     */
    public void appendMembersAmong(
            SqlBuilder out, Rule rule, Instant asOf, List<String> attributes, Collection<String> keys, String sameAs) {
        Objects.requireNonNull(keys, "keys");
        Query q = new Query(asOf, null, rule);
        q.among = among(keys, sameAs);
        Frag where = q.predicate(rule);
        Frag f = q.with().sql("SELECT ").add(q.key());
        appendAttributes(f, attributes);
        f.add(q.from()).sql(" WHERE ").add(where).sql(" AND ").add(q.among.apply("l"));
        f.emit(out);
    }

    /**
     * Appends to {@code out} a query of the learners whose {@code attribute}, as text, is one of {@code values}
     * without regard to case (one bound array parameter, of the values in lower case), whether members or not:
     * columns {@code k} (the learner key as text) and {@code dk} (the attribute as text, as the warehouse has it).
     */
    public void appendLearnersWith(SqlBuilder out, String attribute, Collection<String> values) {
        String text = dialect.typeName(ColumnType.STRING);
        String column = dialect.quoteIdentifier(catalog.learners()
                .column(attribute)
                .orElseThrow(() -> new IllegalArgumentException("unknown attribute " + attribute))
                .name());
        Frag f = Frag.of("SELECT CAST(l." + dialect.quoteIdentifier(catalog.learnerKey()) + " AS " + text
                        + ") AS k, CAST(l." + column + " AS " + text + ") AS dk FROM "
                        + dialect.table(catalog.learners().name()) + " AS l WHERE LOWER(CAST(l." + column + " AS "
                        + text + ")) IN (")
                .template(
                        dialect.zipArrays(List.of("v")),
                        new Frag()
                                .param(new QueryParam(
                                        "values", ColumnType.ARRAY, ColumnType.STRING, lowerCase(values))))
                .sql(")");
        f.emit(out);
    }

    /** The distinct values in lower case, sorted: what case-insensitive lookups bind. */
    public static List<String> lowerCase(Collection<String> values) {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        values.forEach(v -> out.add(v.toLowerCase(java.util.Locale.ROOT)));
        return List.copyOf(out);
    }

    /** The condition on a learners alias that {@link #appendMembersAmong} restricts to. */
    private java.util.function.Function<String, Frag> among(Collection<String> keys, String sameAs) {
        ColumnType type = catalog.learners()
                .column(catalog.learnerKey())
                .map(CatalogColumn::type)
                .orElse(ColumnType.OTHER);
        QueryParam array;
        boolean cast = false;
        if (type == ColumnType.INTEGER) {
            List<Object> longs = new ArrayList<>();
            for (String k : new java.util.TreeSet<>(keys)) {
                try {
                    longs.add(Long.parseLong(k));
                } catch (NumberFormatException e) {
                    // not an integer: matches no learner
                }
            }
            array = new QueryParam("keys", ColumnType.ARRAY, ColumnType.INTEGER, List.copyOf(longs));
        } else {
            array = new QueryParam(
                    "keys", ColumnType.ARRAY, ColumnType.STRING, List.copyOf(new java.util.TreeSet<>(keys)));
            cast = type != ColumnType.STRING;
        }
        String keyColumn = dialect.quoteIdentifier(catalog.learnerKey());
        String text = dialect.typeName(ColumnType.STRING);
        boolean castKey = cast;
        java.util.function.Function<String, Frag> listed = alias -> Frag.of(
                        castKey ? "CAST(" + alias + "." + keyColumn + " AS " + text + ")" : alias + "." + keyColumn)
                .sql(" IN (")
                .template(dialect.zipArrays(List.of("k")), new Frag().param(array))
                .sql(")");
        if (sameAs == null || sameAs.equals(catalog.learnerKey())) {
            return alias -> Frag.of("(").add(listed.apply(alias)).sql(")");
        }
        String same = dialect.quoteIdentifier(catalog.learners()
                .column(sameAs)
                .orElseThrow(() -> new IllegalArgumentException("unknown attribute " + sameAs))
                .name());
        return alias -> Frag.of("(")
                .add(listed.apply(alias))
                .sql(" OR " + alias + "." + same + " IN (SELECT w." + same + " FROM "
                        + dialect.table(catalog.learners().name()) + " AS w WHERE ")
                .add(listed.apply("w"))
                .sql("))");
    }

    /** {@code , l.<column>} per attribute, each checked against the catalog and never the learner key. */
    private void appendAttributes(Frag f, List<String> attributes) {
        for (String a : attributes) {
            CatalogColumn c = catalog.learners()
                    .column(a)
                    .orElseThrow(() -> new IllegalArgumentException("unknown attribute " + a));
            if (c.name().equals(catalog.learnerKey())) {
                throw new IllegalArgumentException("attributes must not repeat the learner key " + a);
            }
            f.sql(", l.").sql(dialect.quoteIdentifier(c.name()));
        }
    }

    /**
     * Appends to {@code out} a query of the learners whose key is listed in {@code keys}, in the shape of
     * {@link #appendMembers} (the key, then {@code attributes}) but without evaluating any rule: reading the values
     * of learners already known to be members costs a scan of the learners table only.
     *
     * @param keys a trusted relation (a quoted table or a CTE name) whose column {@code k} holds learner keys as
     *             text, as {@code CAST(key AS STRING)} renders them
     */
    public void appendLearners(SqlBuilder out, String keys, List<String> attributes) {
        Objects.requireNonNull(keys, "keys");
        Query q = new Query(Instant.EPOCH, null);
        Frag f = Frag.of("SELECT ").add(q.key());
        appendAttributes(f, attributes);
        f.add(q.from()).sql(" WHERE ");
        ColumnType type = catalog.learners()
                .column(catalog.learnerKey())
                .map(CatalogColumn::type)
                .orElse(ColumnType.OTHER);
        if (type == ColumnType.STRING || type == ColumnType.INTEGER) {
            // the few listed keys are cast to the key's type, not every learner's key to text
            f.add(q.key()).sql(" IN (SELECT CAST(k AS " + dialect.typeName(type) + ") FROM " + keys + ")");
        } else {
            f.sql("CAST(")
                    .add(q.key())
                    .sql(" AS " + dialect.typeName(ColumnType.STRING) + ") IN (SELECT k FROM " + keys + ")");
        }
        f.emit(out);
    }

    /**
     * How a segment changes from {@code saved} to {@code proposed}. One row with the INTEGER columns
     * {@code entering} (in proposed, not in saved), {@code leaving} (in saved, not in proposed) and {@code staying}
     * (in both), and ARRAY columns {@code entering_sample}, {@code leaving_sample}, {@code staying_sample}: the up to
     * {@code sampleSize} (1..1000) smallest learner keys of each group, ascending.
     */
    public BoundQuery change(Rule saved, Rule proposed, Instant asOf, int sampleSize) {
        if (sampleSize < 1 || sampleSize > MAX_SAMPLE) {
            throw new IllegalArgumentException("sampleSize must be within 1.." + MAX_SAMPLE + ": " + sampleSize);
        }
        Query q = new Query(asOf, null, saved, proposed);
        Frag s = q.predicate(saved);
        Frag p = q.predicate(proposed);
        Frag f = q.with(true);
        f.sql("m AS (SELECT ")
                .add(q.key())
                .sql(" AS k, ")
                .add(s)
                .sql(" AS s, ")
                .add(p)
                .sql(" AS p")
                .add(q.from())
                .sql(")\nSELECT ");
        String[][] groups = {{"entering", "p AND NOT s"}, {"leaving", "s AND NOT p"}, {"staying", "s AND p"}};
        for (String[] g : groups) {
            f.sql("COUNT(CASE WHEN " + g[1] + " THEN 1 END) AS " + g[0] + ", ");
        }
        for (int i = 0; i < groups.length; i++) {
            f.sql(dialect.smallestValues("k", groups[i][1], sampleSize) + " AS " + groups[i][0] + "_sample")
                    .sql(i < groups.length - 1 ? ", " : "");
        }
        f.sql(" FROM m");
        return build(f);
    }

    /**
     * Explains the rule for one learner. The query returns one row (none if no learner has the key): column
     * {@code in_segment}, then for every node of the rule in document order a BOOLEAN {@code cN}; attribute
     * conditions add the tested value {@code aN}, event conditions their aggregate {@code vN}. Event aggregates
     * read only the learner's events. Nodes inside an event's {@code where} and inside referenced segments are not
     * listed; the reference's own column says whether the learner is in that segment.
     */
    public Explanation explain(Rule rule, Instant asOf, String learnerKey) {
        Objects.requireNonNull(learnerKey, "learnerKey");
        Query q = new Query(asOf, learnerKey, rule);
        Frag where = q.predicate(rule);
        List<Explanation.Column> columns = new ArrayList<>();
        Frag select = new Frag().add(where).sql(" AS in_segment");
        columns.add(new Explanation.Column("in_segment", rule.pointer(), Explanation.Kind.IN_SEGMENT));
        Deque<Rule> todo = new ArrayDeque<>();
        todo.push(rule);
        int n = 0;
        while (!todo.isEmpty()) {
            Rule r = todo.pop();
            n++;
            select.sql(", ").add(q.nodes.get(r)).sql(" AS c" + n);
            columns.add(new Explanation.Column("c" + n, r.pointer(), Explanation.Kind.CONDITION));
            if (r instanceof Rule.AttributeCondition c) {
                select.sql(", ").add(q.column(c.attribute(), true)).sql(" AS a" + n);
                columns.add(new Explanation.Column("a" + n, c.pointer(), Explanation.Kind.ATTRIBUTE));
            } else if (r instanceof Rule.EventCondition e) {
                select.sql(", ").add(q.aggregate(e)).sql(" AS v" + n);
                columns.add(new Explanation.Column("v" + n, e.pointer(), Explanation.Kind.AGGREGATE));
            }
            List<Rule> children = r instanceof Rule.All a
                    ? a.rules()
                    : r instanceof Rule.Any a ? a.rules() : r instanceof Rule.Not not ? List.of(not.rule()) : List.of();
            for (int i = children.size() - 1; i >= 0; i--) {
                todo.push(children.get(i));
            }
        }
        Frag f = q.with()
                .sql("SELECT ")
                .add(select)
                .add(q.from())
                .sql(" WHERE ")
                .add(q.key())
                .sql(" = ")
                .param(keyParam(learnerKey));
        return new Explanation(build(f), columns);
    }

    private BoundQuery build(Frag f) {
        SqlBuilder b = new SqlBuilder(dialect);
        f.emit(b);
        return b.build();
    }

    /**
     * The attribute conditions every member must meet (the rule itself, or the attribute conditions directly under
     * a top-level {@code all}). Event aggregates are only needed for learners meeting them, so count and members
     * restrict the event CTEs to those learners: DuckDB then aggregates the candidates' events instead of everyone's.
     */
    private static List<Rule.AttributeCondition> candidateConditions(Rule rule) {
        if (rule instanceof Rule.AttributeCondition c) {
            return List.of(c);
        }
        if (rule instanceof Rule.All a) {
            List<Rule.AttributeCondition> out = new ArrayList<>();
            a.rules().forEach(r -> {
                if (r instanceof Rule.AttributeCondition c) {
                    out.add(c);
                }
            });
            return out;
        }
        return List.of();
    }

    /**
     * Whether a learner without matching events meets the event condition (e.g. "count eq 0"). Only then is the
     * CTE worth restricting to candidates: for "count gte 5" the join itself already filters, and restricting the
     * events measured slower on unselective attribute conditions (see the segment benchmark in README.md).
     */
    static boolean holdsWithoutEvents(Rule.EventCondition e) {
        String fn = e.aggregate().fn();
        if (!fn.equals("count") && !fn.equals("count_distinct") && !fn.equals("sum")) {
            return false;
        }
        java.math.BigDecimal zero = java.math.BigDecimal.ZERO;
        if (e.op().equals("between")) {
            return e.from().decimalValue().compareTo(zero) <= 0
                    && e.to().decimalValue().compareTo(zero) >= 0;
        }
        int c = zero.compareTo(e.value().decimalValue());
        return switch (e.op()) {
            case "eq" -> c == 0;
            case "neq" -> c != 0;
            case "lt" -> c < 0;
            case "lte" -> c <= 0;
            case "gt" -> c > 0;
            case "gte" -> c >= 0;
            default -> false;
        };
    }

    /** Calls {@code out} with the key of every segment reference in the rule, once per occurrence. */
    static void forEachReference(Rule rule, java.util.function.Consumer<String> out) {
        Deque<Rule> todo = new ArrayDeque<>();
        todo.push(rule);
        while (!todo.isEmpty()) {
            Rule r = todo.pop();
            if (r instanceof Rule.All a) {
                a.rules().forEach(todo::push);
            } else if (r instanceof Rule.Any a) {
                a.rules().forEach(todo::push);
            } else if (r instanceof Rule.Not n) {
                todo.push(n.rule());
            } else if (r instanceof Rule.SegmentRef ref) {
                out.accept(ref.segment());
            }
        }
    }

    private QueryParam keyParam(String key) {
        return keyParam(catalog.learners(), catalog.learnerKey(), key);
    }

    private static QueryParam keyParam(CatalogTable table, String column, String key) {
        ColumnType type = table.column(column).map(CatalogColumn::type).orElse(ColumnType.STRING);
        if (type == ColumnType.INTEGER) {
            try {
                return QueryParam.of("key", type, Long.parseLong(key));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("learner keys are integers, not '" + key + "'");
            }
        }
        return QueryParam.of("key", ColumnType.STRING, key);
    }

    /**
     * State of one compilation: CTEs, compiled nodes, referenced segments. A segment referenced once in the whole
     * query (its rules and every segment they reach) is inlined where it is referenced; one referenced more often
     * is compiled once, as a CTE {@code segN(k)} of its members. A SELECT (the query's own, or a segment CTE's)
     * whose rule refers to such segments joins one CTE {@code refN(k, ids)} listing, per learner, which of them the
     * learner belongs to, and each reference tests that list: one join per SELECT however many references, rather
     * than a subquery per reference, which DuckDB plans in time that grows much faster than the references. Every
     * segment's rule is thus read, parsed and emitted once, so the SQL grows with the size of the definitions, not
     * with the number of paths through their references.
     */
    private final class Query {
        final ZonedDateTime now;
        final String onlyLearner;
        /** Event and segment CTEs, each after the CTEs it reads. */
        final List<Frag> ctes = new ArrayList<>();

        final Map<Rule, Frag> nodes = new IdentityHashMap<>();
        final Map<Rule.EventCondition, String> eventAliases = new IdentityHashMap<>();
        final Deque<String> inlining = new ArrayDeque<>();
        /** Referenced segments' rules, parsed once. */
        final Map<String, Rule> segments = new java.util.HashMap<>();
        /** How often each segment is referenced by the top rules and by the (distinct) segments they reach. */
        final Map<String, Integer> uses = new java.util.HashMap<>();
        /** Segments compiled as CTEs: key to CTE name. */
        final Map<String, String> segmentCtes = new java.util.HashMap<>();
        /** LEFT JOINs of event CTEs to the learners {@code l} of the SELECT being compiled. */
        List<String> joins = new ArrayList<>();
        /** A condition on a learners alias that every learner evaluated meets ({@link #appendMembersAmong}). */
        java.util.function.Function<String, Frag> among;
        /** Attribute conditions all members meet; event CTEs may skip other learners. Empty: no restriction. */
        List<Rule.AttributeCondition> candidates = List.of();
        /** Segment CTEs the SELECT being compiled refers to, with their number in its {@code refN.ids}. */
        Map<String, Integer> refIds = new java.util.LinkedHashMap<>();
        /** The alias of the SELECT's list of segment memberships; null until a reference needs it. */
        String refsAlias;

        int refCtes;
        /** Membership-list CTEs by the segment CTEs they list (in id order): SELECTs referring to the same share one. */
        final Map<List<String>, String> refLists = new java.util.HashMap<>();

        /** @param tops the rules this query compiles; their references are counted before compiling. */
        Query(Instant asOf, String onlyLearner, Rule... tops) {
            this.now = Objects.requireNonNull(asOf, "asOf").atZone(zone);
            this.onlyLearner = onlyLearner;
            if (tops.length == 1) {
                candidates = candidateConditions(tops[0]);
            }
            Deque<Rule> todo = new ArrayDeque<>(List.of(tops));
            while (!todo.isEmpty()) {
                forEachReference(todo.pop(), key -> {
                    if (uses.merge(key, 1, Integer::sum) == 1) {
                        todo.push(parsedSegment(key));
                    }
                });
            }
        }

        Rule parsedSegment(String key) {
            Rule r = segments.get(key);
            if (r == null) {
                JsonNode json =
                        lookup.rule(key).orElseThrow(() -> new IllegalArgumentException("unknown segment " + key));
                Parsed parsed = RuleParser.parse(json, "");
                if (!parsed.ok()) {
                    throw new IllegalArgumentException("segment " + key + " has an invalid rule: " + parsed.errors());
                }
                r = parsed.rule();
                segments.put(key, r);
            }
            return r;
        }

        Frag with() {
            return with(false);
        }

        /** The WITH clause of the CTEs, open for one more CTE if {@code more}; ends the query's own SELECT. */
        Frag with(boolean more) {
            closeSelect();
            Frag f = new Frag();
            for (int i = 0; i < ctes.size(); i++) {
                f.sql(i == 0 ? "WITH " : ",\n").add(ctes.get(i));
            }
            if (more) {
                f.sql(ctes.isEmpty() ? "WITH " : ",\n");
            } else if (!ctes.isEmpty()) {
                f.sql("\n");
            }
            return f;
        }

        Frag from() {
            Frag f = Frag.of(" FROM ")
                    .sql(dialect.table(catalog.learners().name()))
                    .sql(" AS l");
            joins.forEach(j -> f.sql("\n  ").sql(j));
            return f;
        }

        Frag key() {
            return Frag.of("l.").sql(dialect.quoteIdentifier(catalog.learnerKey()));
        }

        Frag predicate(Rule rule) {
            return node(rule, catalog.learners(), true);
        }

        Frag node(Rule rule, CatalogTable table, boolean learners) {
            Frag f;
            if (rule instanceof Rule.All a) {
                f = junction(a.rules(), " AND ", "TRUE", table, learners);
            } else if (rule instanceof Rule.Any a) {
                f = junction(a.rules(), " OR ", "FALSE", table, learners);
            } else if (rule instanceof Rule.Not n) {
                f = Frag.of("(NOT ").add(node(n.rule(), table, learners)).sql(")");
            } else if (rule instanceof Rule.AttributeCondition c) {
                f = attribute(c, table, learners);
            } else if (rule instanceof Rule.EventCondition e) {
                f = event(e);
            } else {
                f = segment((Rule.SegmentRef) rule);
            }
            nodes.put(rule, f);
            return f;
        }

        private Frag junction(List<Rule> rules, String op, String empty, CatalogTable table, boolean learners) {
            if (rules.isEmpty()) {
                return Frag.of(empty);
            }
            Frag f = Frag.of("(");
            for (int i = 0; i < rules.size(); i++) {
                f.sql(i == 0 ? "" : op).add(node(rules.get(i), table, learners));
            }
            return f.sql(")");
        }

        private Frag segment(Rule.SegmentRef ref) {
            String key = ref.segment();
            if (inlining.contains(key)) {
                throw new IllegalArgumentException("segment references form a cycle through " + key);
            }
            Rule body = parsedSegment(key);
            if (uses.getOrDefault(key, 0) <= 1) {
                inlining.push(key);
                try {
                    return node(body, catalog.learners(), true);
                } finally {
                    inlining.pop();
                }
            }
            String name = segmentCtes.get(key);
            if (name == null) {
                name = segmentCte(key, body);
            }
            if (refsAlias == null) {
                refsAlias = "ref" + refCtes++;
            }
            int id = refIds.computeIfAbsent(name, n -> refIds.size());
            return Frag.of("COALESCE(")
                    .template(dialect.arrayContains(), Frag.of(refsAlias + ".ids"), Frag.of(String.valueOf(id)))
                    .sql(", FALSE)");
        }

        /**
         * Ends the SELECT being compiled: if its rule refers to segment CTEs, adds the CTE of its learners'
         * memberships in them and joins it to {@code l}.
         */
        void closeSelect() {
            if (refsAlias == null) {
                return;
            }
            List<String> names = List.copyOf(refIds.keySet());
            String cteName = refLists.get(names);
            if (cteName == null) {
                cteName = refsAlias;
                refLists.put(names, cteName);
                Frag cte = Frag.of(cteName + " AS " + dialect.sharedCte() + "(SELECT k, " + dialect.arrayAgg("id")
                        + " AS ids FROM (");
                for (int i = 0; i < names.size(); i++) {
                    cte.sql(i == 0 ? "" : " UNION ALL ").sql("SELECT k, " + i + " AS id FROM " + names.get(i));
                }
                ctes.add(cte.sql(") AS u GROUP BY k)"));
            }
            joins.add("LEFT JOIN " + cteName + " AS " + refsAlias + " ON " + refsAlias + ".k = l."
                    + dialect.quoteIdentifier(catalog.learnerKey()));
            refsAlias = null;
            refIds = new java.util.LinkedHashMap<>();
        }

        /** Compiles a segment's members once, as a CTE after the CTEs it needs; returns its name. */
        private String segmentCte(String key, Rule body) {
            List<String> outerJoins = joins;
            List<Rule.AttributeCondition> outerCandidates = candidates;
            Map<String, Integer> outerRefIds = refIds;
            String outerRefsAlias = refsAlias;
            joins = new ArrayList<>();
            candidates = candidateConditions(body);
            refIds = new java.util.LinkedHashMap<>();
            refsAlias = null;
            inlining.push(key);
            try {
                Frag where = node(body, catalog.learners(), true);
                closeSelect();
                String name = "seg" + segmentCtes.size();
                Frag cte = Frag.of(name + " AS " + dialect.sharedCte() + "(SELECT ")
                        .add(key())
                        .sql(" AS k")
                        .add(from())
                        .sql(" WHERE ")
                        .add(where);
                if (onlyLearner != null) {
                    cte.sql(" AND ").add(key()).sql(" = ").param(keyParam(onlyLearner));
                }
                if (among != null) {
                    cte.sql(" AND ").add(among.apply("l"));
                }
                ctes.add(cte.sql(")"));
                segmentCtes.put(key, name);
                return name;
            } finally {
                inlining.pop();
                joins = outerJoins;
                candidates = outerCandidates;
                refIds = outerRefIds;
                refsAlias = outerRefsAlias;
            }
        }

        Frag column(String name, boolean learners) {
            return Frag.of(learners ? "l." : "").sql(dialect.quoteIdentifier(name));
        }

        private Frag attribute(Rule.AttributeCondition c, CatalogTable table, boolean learners) {
            CatalogColumn col = table.column(c.attribute())
                    .orElseThrow(() -> new IllegalArgumentException("unknown attribute " + c.attribute()));
            Frag x = column(col.name(), learners);
            ColumnType type = col.type();
            switch (c.op()) {
                case "is_null":
                    return Frag.of("(").add(x).sql(" IS NULL)");
                case "is_not_null":
                    return Frag.of("(").add(x).sql(" IS NOT NULL)");
                case "is_true":
                    return Frag.of("(").add(x).sql(" IS TRUE)");
                case "is_false":
                    return Frag.of("(").add(x).sql(" IS FALSE)");
                default:
                    break;
            }
            Frag f = new Frag();
            switch (c.op()) {
                case "eq", "neq", "lt", "lte", "gt", "gte" ->
                    f.add(x).sql(" " + comparison(c.op()) + " ").param(value(type, c.value()));
                case "in", "not_in" -> {
                    f.add(x).sql(c.op().equals("in") ? " IN (" : " NOT IN (");
                    for (int i = 0; i < c.values().size(); i++) {
                        f.sql(i == 0 ? "" : ", ").param(value(type, c.values().get(i)));
                    }
                    f.sql(")");
                }
                case "contains" -> {
                    if (type == ColumnType.ARRAY) {
                        f.template(dialect.arrayContains(), x, new Frag().param(value(col.elementType(), c.value())));
                    } else {
                        f.template(dialect.textContains(), x, new Frag().param(value(type, c.value())));
                    }
                }
                case "starts_with" -> f.template(dialect.textStartsWith(), x, new Frag().param(value(type, c.value())));
                case "ends_with" -> f.template(dialect.textEndsWith(), x, new Frag().param(value(type, c.value())));
                case "contains_any", "contains_all" -> {
                    List<Object> list = new ArrayList<>();
                    c.values().forEach(v -> list.add(Values.of(col.elementType(), v)));
                    Frag array = new Frag()
                            .param(new QueryParam(
                                    "values",
                                    ColumnType.ARRAY,
                                    col.elementType(),
                                    List.copyOf(new java.util.LinkedHashSet<>(list))));
                    f.template(
                            c.op().equals("contains_any") ? dialect.arrayContainsAny() : dialect.arrayContainsAll(),
                            x,
                            array);
                }
                case "between" -> {
                    if (type.isTemporal()) {
                        f.add(range(x, type, (Temporal) Values.of(type, c.from()), (Temporal) Values.of(type, c.to())));
                    } else {
                        f.add(x)
                                .sql(" >= ")
                                .param(value(type, c.from()))
                                .sql(" AND ")
                                .add(x)
                                .sql(" <= ")
                                .param(value(type, c.to()));
                    }
                }
                case "before" -> f.add(x).sql(" < ").param(start(type, (Temporal) Values.of(type, c.value())));
                case "after" -> {
                    Temporal t = (Temporal) Values.of(type, c.value());
                    if (t instanceof LocalDate d && type != ColumnType.DATE) {
                        f.add(x).sql(" >= ").param(start(type, d.plusDays(1)));
                    } else {
                        f.add(x).sql(" > ").param(start(type, t));
                    }
                }
                case "within_last" ->
                    f.add(x)
                            .sql(" >= ")
                            .param(at(type, c.duration().before(now)))
                            .sql(" AND ")
                            .add(x)
                            .sql(" <= ")
                            .param(at(type, now));
                case "before_last" ->
                    f.add(x).sql(" < ").param(at(type, c.duration().before(now)));
                case "within_next" ->
                    f.add(x)
                            .sql(" >= ")
                            .param(at(type, now))
                            .sql(" AND ")
                            .add(x)
                            .sql(" <= ")
                            .param(at(type, c.duration().after(now)));
                case "after_next" ->
                    f.add(x).sql(" > ").param(at(type, c.duration().after(now)));
                default -> throw new IllegalArgumentException("unknown operator " + c.op());
            }
            return Frag.of("COALESCE(").add(f).sql(", FALSE)");
        }

        /** {@code x} within [from, to]; a date-only {@code to} on a timestamp column includes that whole day. */
        private Frag range(Frag x, ColumnType type, Temporal from, Temporal to) {
            Frag f = new Frag()
                    .add(x)
                    .sql(" >= ")
                    .param(start(type, from))
                    .sql(" AND ")
                    .add(x);
            if (to instanceof LocalDate d && type != ColumnType.DATE) {
                return f.sql(" < ").param(start(type, d.plusDays(1)));
            }
            return f.sql(" <= ").param(start(type, to));
        }

        /** An absolute value as a bound of a column of the type; dates mean their start in the zone. */
        private QueryParam start(ColumnType type, Temporal t) {
            ZonedDateTime z;
            if (t instanceof LocalDate d) {
                if (type == ColumnType.DATE) {
                    return QueryParam.of("t", type, d);
                }
                z = d.atStartOfDay(zone);
            } else if (t instanceof LocalDateTime ldt) {
                z = ldt.atZone(zone);
            } else {
                z = ((OffsetDateTime) t).atZoneSameInstant(zone);
            }
            return at(type, z);
        }

        /** A bound of a column of the type; bounds past what warehouses hold are held to it (see SupportedTimes). */
        private QueryParam at(ColumnType type, ZonedDateTime z) {
            return switch (type) {
                case DATE -> QueryParam.of("t", type, SupportedTimes.clamp(z.toLocalDate()));
                case TIMESTAMP -> QueryParam.of("t", type, SupportedTimes.clamp(z.toLocalDateTime()));
                case TIMESTAMP_TZ -> QueryParam.of("t", type, SupportedTimes.clamp(z.toInstant()));
                default -> throw new IllegalArgumentException("not a time column type: " + type);
            };
        }

        private QueryParam value(ColumnType type, JsonNode v) {
            Object o = Values.of(type, v);
            return o instanceof Temporal t ? start(type, t) : QueryParam.of("v", type, o);
        }

        private Frag event(Rule.EventCondition e) {
            EventTable events = catalog.eventTable(e.event())
                    .orElseThrow(() -> new IllegalArgumentException("unknown event table " + e.event()));
            String alias = "e" + eventAliases.size();
            eventAliases.put(e, alias);
            CatalogTable table = events.table();
            Rule.Aggregate agg = e.aggregate();
            CatalogColumn aggColumn = agg.attribute() == null
                    ? null
                    : table.column(agg.attribute())
                            .orElseThrow(() -> new IllegalArgumentException("unknown attribute " + agg.attribute()));
            String key = dialect.quoteIdentifier(events.learnerKey());
            Frag cte = Frag.of(alias + " AS (SELECT " + key + " AS k, ");
            if (aggColumn == null) {
                cte.sql("COUNT(*)");
            } else {
                String c = dialect.quoteIdentifier(aggColumn.name());
                cte.sql(
                        agg.fn().equals("count_distinct")
                                ? "COUNT(DISTINCT " + c + ")"
                                : agg.fn().toUpperCase(java.util.Locale.ROOT) + "(" + c + ")");
            }
            cte.sql(" AS v FROM ").sql(dialect.table(table.name()));
            List<Frag> filters = new ArrayList<>();
            if (e.where() != null) {
                filters.add(node(e.where(), table, false));
            }
            if (e.window() != null) {
                CatalogColumn ts = table.column(events.timestampColumn()).orElseThrow();
                Frag x = column(ts.name(), false);
                if (e.window() instanceof Rule.WithinLast w) {
                    filters.add(new Frag()
                            .add(x)
                            .sql(" >= ")
                            .param(at(ts.type(), w.amount().before(now)))
                            .sql(" AND ")
                            .add(x)
                            .sql(" <= ")
                            .param(at(ts.type(), now)));
                } else {
                    Rule.Between b = (Rule.Between) e.window();
                    filters.add(range(x, ts.type(), (Temporal) Values.of(ts.type(), b.from()), (Temporal)
                            Values.of(ts.type(), b.to())));
                }
            }
            if (onlyLearner != null) {
                filters.add(Frag.of(key + " = ").param(keyParam(table, events.learnerKey(), onlyLearner)));
            }
            if (among != null) {
                filters.add(Frag.of(key + " IN (SELECT l.")
                        .sql(dialect.quoteIdentifier(catalog.learnerKey()))
                        .sql(" FROM ")
                        .sql(dialect.table(catalog.learners().name()))
                        .sql(" AS l WHERE ")
                        .add(among.apply("l"))
                        .sql(")"));
            }
            if (!candidates.isEmpty() && holdsWithoutEvents(e)) {
                Frag in = Frag.of(key + " IN (SELECT l.")
                        .sql(dialect.quoteIdentifier(catalog.learnerKey()))
                        .sql(" FROM ")
                        .sql(dialect.table(catalog.learners().name()))
                        .sql(" AS l WHERE ");
                for (int i = 0; i < candidates.size(); i++) {
                    in.sql(i == 0 ? "" : " AND ").add(attribute(candidates.get(i), catalog.learners(), true));
                }
                filters.add(in.sql(")"));
            }
            for (int i = 0; i < filters.size(); i++) {
                cte.sql(i == 0 ? " WHERE " : " AND ").add(filters.get(i));
            }
            cte.sql(" GROUP BY " + key + ")");
            ctes.add(cte);
            joins.add(
                    "LEFT JOIN " + alias + " ON " + alias + ".k = l." + dialect.quoteIdentifier(catalog.learnerKey()));

            ColumnType valueType = RuleValidator.valueType(agg, aggColumn);
            Frag v = aggregate(e);
            Frag f = new Frag();
            if (e.op().equals("between")) {
                f.add(v)
                        .sql(" >= ")
                        .param(value(valueType, e.from()))
                        .sql(" AND ")
                        .add(v)
                        .sql(" <= ")
                        .param(value(valueType, e.to()));
            } else {
                f.add(v).sql(" " + comparison(e.op()) + " ").param(value(valueType, e.value()));
            }
            return Frag.of("COALESCE(").add(f).sql(", FALSE)");
        }

        /** The learner's aggregate: 0 rather than NULL for counts and sums. */
        Frag aggregate(Rule.EventCondition e) {
            String alias = eventAliases.get(e);
            return switch (e.aggregate().fn()) {
                case "count", "count_distinct", "sum" -> Frag.of("COALESCE(" + alias + ".v, 0)");
                default -> Frag.of(alias + ".v");
            };
        }
    }

    private static String comparison(String op) {
        return switch (op) {
            case "eq" -> "=";
            case "neq" -> "<>";
            case "lt" -> "<";
            case "lte" -> "<=";
            case "gt" -> ">";
            case "gte" -> ">=";
            default -> throw new IllegalArgumentException("not a comparison: " + op);
        };
    }
}
