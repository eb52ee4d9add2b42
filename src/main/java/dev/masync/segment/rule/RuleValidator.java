package dev.masync.segment.rule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogColumn;
import dev.masync.catalog.CatalogTable;
import dev.masync.catalog.EventTable;
import dev.masync.platform.NearNames;
import dev.masync.platform.problem.ProblemError;
import dev.masync.warehouse.ColumnType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a parsed rule against the catalog and the saved segments: every attribute and event table exists, operators
 * fit the column types, values fit the columns, and segment references exist and form no cycle. Returns all errors
 * at once; a rule with no errors compiles.
 */
public final class RuleValidator {
    /** Longest chain of segment references from a rule (rule → a → b is 2). */
    public static final int MAX_REFERENCE_DEPTH = 8;
    /** Most distinct saved segments a rule may reach through references, directly or through other segments. */
    public static final int MAX_REFERENCED_SEGMENTS = 200;
    /** Most conditions of a rule and all the segments it reaches, each segment counted once. */
    public static final int MAX_TOTAL_CONDITIONS = 10_000;

    private final Catalog catalog;
    private final SegmentLookup lookup;
    private final String selfKey;
    private final List<ProblemError> errors = new ArrayList<>();
    /** Per referenced segment: null if fine, else why it cannot be used. */
    private final Map<String, Optional<String>> refs = new HashMap<>();
    /** Per referenced segment found fine: the longest chain of references from it, itself included (1: none). */
    private final Map<String, Integer> heights = new HashMap<>();
    /** Per referenced segment found fine: the segments its rule refers to directly. */
    private final Map<String, List<String>> nested = new HashMap<>();
    /** Per referenced segment found fine: the conditions of its own rule. */
    private final Map<String, Integer> sizes = new HashMap<>();

    private RuleValidator(Catalog catalog, SegmentLookup lookup, String selfKey) {
        this.catalog = catalog;
        this.lookup = lookup;
        this.selfKey = selfKey;
    }

    /**
     * @param pointer JSON pointer of the rule, for errors about the rule as a whole
     * @param selfKey key of the segment this rule belongs to, or null for an unsaved rule; a reference back to it
     *                (directly or through other segments) is a cycle
     */
    public static List<ProblemError> validate(
            Rule rule, String pointer, Catalog catalog, SegmentLookup lookup, String selfKey) {
        RuleValidator v = new RuleValidator(catalog, lookup, selfKey);
        if (rule == null) {
            return List.of(new ProblemError(pointer, "missing rule"));
        }
        v.walk(rule, catalog.learners(), true);
        if (v.errors.isEmpty()) {
            v.reach(rule, pointer);
        }
        return List.copyOf(v.errors);
    }

    private void walk(Rule rule, CatalogTable table, boolean learners) {
        if (rule instanceof Rule.All a) {
            a.rules().forEach(r -> walk(r, table, learners));
        } else if (rule instanceof Rule.Any a) {
            a.rules().forEach(r -> walk(r, table, learners));
        } else if (rule instanceof Rule.Not n) {
            walk(n.rule(), table, learners);
        } else if (rule instanceof Rule.AttributeCondition c) {
            attribute(c, table, learners);
        } else if (rule instanceof Rule.EventCondition e) {
            event(e);
        } else if (rule instanceof Rule.SegmentRef s) {
            segment(s);
        }
    }

    private void attribute(Rule.AttributeCondition c, CatalogTable table, boolean learners) {
        CatalogColumn col = column(
                table,
                c.attribute(),
                RuleParser.child(c.pointer(), "attribute"),
                learners ? "the learners table" : "event table '" + table.name() + "'");
        if (col == null) {
            return;
        }
        if (!col.type().operators().contains(c.op())) {
            error(
                    RuleParser.child(c.pointer(), "op"),
                    "operator '" + c.op() + "' does not apply to "
                            + col.type().jsonName() + " column '" + col.name() + "'; use one of "
                            + String.join(", ", col.type().operators()));
            return;
        }
        ColumnType valueType = col.type();
        if (col.type() == ColumnType.ARRAY) {
            valueType = col.elementType();
            if (valueType == null || valueType == ColumnType.OTHER || valueType == ColumnType.ARRAY) {
                if (!c.op().startsWith("is_")) {
                    error(
                            RuleParser.child(c.pointer(), "attribute"),
                            "the elements of array column '" + col.name()
                                    + "' cannot be compared; only is_null and is_not_null apply");
                }
                return;
            }
        }
        check(valueType, c.value(), RuleParser.child(c.pointer(), "value"));
        if (c.values() != null) {
            String vp = RuleParser.child(c.pointer(), "values");
            for (int i = 0; i < c.values().size(); i++) {
                check(valueType, c.values().get(i), RuleParser.child(vp, i));
            }
        }
        boolean from = check(valueType, c.from(), RuleParser.child(c.pointer(), "from"));
        boolean to = check(valueType, c.to(), RuleParser.child(c.pointer(), "to"));
        if (from && to && c.from() != null && c.to() != null) {
            order(valueType, c.from(), c.to(), c.pointer());
        }
    }

    private void event(Rule.EventCondition e) {
        Optional<EventTable> found = catalog.eventTable(e.event());
        if (found.isEmpty()) {
            List<String> names =
                    catalog.eventTables().stream().map(EventTable::name).toList();
            error(
                    RuleParser.child(e.pointer(), "event"),
                    "unknown event table '" + shown(e.event()) + "'" + hint(e.event(), names, "event tables"));
            return;
        }
        EventTable events = found.get();
        if (e.where() != null) {
            walk(e.where(), events.table(), false);
        }
        ColumnType timeType = events.table()
                .column(events.timestampColumn())
                .map(CatalogColumn::type)
                .orElse(ColumnType.TIMESTAMP);
        if (e.window() instanceof Rule.Between b) {
            boolean f = check(timeType, b.from(), RuleParser.child(b.pointer(), "from"));
            boolean t = check(timeType, b.to(), RuleParser.child(b.pointer(), "to"));
            if (f && t) {
                order(timeType, b.from(), b.to(), b.pointer());
            }
        }
        Rule.Aggregate agg = e.aggregate();
        CatalogColumn col = null;
        if (agg.attribute() != null) {
            col = column(
                    events.table(),
                    agg.attribute(),
                    RuleParser.child(agg.pointer(), "attribute"),
                    "event table '" + events.name() + "'");
            if (col == null) {
                return;
            }
            String fnPtr = RuleParser.child(agg.pointer(), "fn");
            boolean fits = switch (agg.fn()) {
                case "sum", "avg" -> col.type().isNumeric();
                case "min", "max" -> col.type().isNumeric() || col.type().isTemporal();
                default -> col.type() != ColumnType.ARRAY;
            };
            if (!fits) {
                error(
                        fnPtr,
                        agg.fn() + " does not apply to " + col.type().jsonName() + " column '" + col.name()
                                + "'; sum and avg take numbers, min and max numbers, dates or timestamps, count_distinct"
                                + " anything but arrays");
                return;
            }
        }
        ColumnType valueType = valueType(agg, col);
        check(valueType, e.value(), RuleParser.child(e.pointer(), "value"));
        boolean f = check(valueType, e.from(), RuleParser.child(e.pointer(), "from"));
        boolean t = check(valueType, e.to(), RuleParser.child(e.pointer(), "to"));
        if (f && t && e.from() != null && e.to() != null) {
            order(valueType, e.from(), e.to(), e.pointer());
        }
    }

    /** Aggregate results compare with: integers for counts, numbers for sum/avg, the column's type for min/max. */
    static ColumnType valueType(Rule.Aggregate agg, CatalogColumn column) {
        return switch (agg.fn()) {
            case "count", "count_distinct" -> ColumnType.INTEGER;
            case "sum", "avg" -> ColumnType.NUMBER;
            default -> column.type();
        };
    }

    private void segment(Rule.SegmentRef s) {
        String ptr = RuleParser.child(s.pointer(), "segment");
        if (s.segment().equals(selfKey)) {
            error(ptr, "a segment cannot include itself; remove this reference");
            return;
        }
        List<String> path = new ArrayList<>();
        path.add(selfKey == null ? "this rule" : selfKey);
        String problem = reference(s.segment(), path);
        if (problem != null) {
            error(ptr, problem);
        }
    }

    /**
     * Why the segment cannot be referenced from the end of path, or null. Each segment is read and checked once per
     * validation; later references to it use what was found, so validation is linear in the definitions' size.
     */
    private String reference(String key, List<String> path) {
        if (key.equals(selfKey) || path.subList(1, path.size()).contains(key)) {
            List<String> cycle = new ArrayList<>(path);
            cycle.add(key);
            return "segment references form a cycle (" + String.join(" → ", cycle) + "); remove one of them";
        }
        int depth = path.size(); // references from the rule down to key
        if (depth > MAX_REFERENCE_DEPTH) {
            return tooDeep(key);
        }
        Optional<String> cached = refs.get(key);
        if (cached != null) {
            if (cached.isEmpty() && depth - 1 + heights.get(key) > MAX_REFERENCE_DEPTH) {
                return tooDeep(key);
            }
            return cached.orElse(null);
        }
        Optional<JsonNode> json = lookup.rule(key);
        if (json.isEmpty()) {
            return path.size() == 1
                    ? "unknown segment '" + shown(key) + "'; save that segment first or fix the key"
                    : "segment '" + path.get(path.size() - 1) + "' refers to unknown segment '" + shown(key) + "'";
        }
        Parsed parsed = RuleParser.parse(json.get(), "");
        if (!parsed.ok()) {
            return "segment '" + shown(key) + "' has an invalid rule ("
                    + describe(parsed.errors().get(0)) + ")";
        }
        RuleValidator inner = new RuleValidator(catalog, SegmentLookup.none(), null);
        List<Rule.SegmentRef> nested = new ArrayList<>();
        inner.collect(parsed.rule(), catalog.learners(), true, nested);
        if (!inner.errors.isEmpty()) {
            String p = "segment '" + shown(key) + "' no longer fits the catalog (" + describe(inner.errors.get(0))
                    + "); fix that segment first";
            refs.put(key, Optional.of(p));
            return p;
        }
        path.add(key);
        int height = 1;
        try {
            for (Rule.SegmentRef ref : nested) {
                String p = reference(ref.segment(), path);
                if (p != null) {
                    return p;
                }
                height = Math.max(height, 1 + heights.get(ref.segment()));
            }
        } finally {
            path.remove(path.size() - 1);
        }
        heights.put(key, height);
        this.nested.put(
                key, nested.stream().map(Rule.SegmentRef::segment).distinct().toList());
        sizes.put(key, conditions(parsed.rule()));
        refs.put(key, Optional.empty());
        return null;
    }

    private static String tooDeep(String key) {
        return "segment references nest more than " + MAX_REFERENCE_DEPTH + " levels deep through segment '"
                + shown(key) + "'; refer to the deeper segments directly or merge some of the levels";
    }

    /** Checks how many segments, and conditions in all, the rule reaches through its (valid) references. */
    private void reach(Rule rule, String pointer) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>();
        SegmentCompiler.forEachReference(rule, k -> {
            if (seen.add(k)) {
                todo.push(k);
            }
        });
        long total = conditions(rule);
        while (!todo.isEmpty()) {
            String k = todo.pop();
            total += sizes.getOrDefault(k, 0);
            for (String n : nested.getOrDefault(k, List.of())) {
                if (seen.add(n)) {
                    todo.push(n);
                }
            }
        }
        if (seen.size() > MAX_REFERENCED_SEGMENTS) {
            error(
                    pointer,
                    "the rule reaches " + seen.size() + " saved segments through its references (directly or through"
                            + " other segments); at most " + MAX_REFERENCED_SEGMENTS
                            + ": refer to fewer segments, or merge segments that share conditions");
        } else if (total > MAX_TOTAL_CONDITIONS) {
            error(
                    pointer,
                    "the rule and the segments it refers to have " + total + " conditions in all (each segment counted"
                            + " once); at most " + MAX_TOTAL_CONDITIONS
                            + ": refer to fewer or smaller segments");
        }
    }

    /** Conditions of a rule as the parser counts them: attribute, event (with their where) and segment nodes. */
    static int conditions(Rule rule) {
        int n = 0;
        java.util.Deque<Rule> todo = new java.util.ArrayDeque<>();
        todo.push(rule);
        while (!todo.isEmpty()) {
            Rule r = todo.pop();
            if (r instanceof Rule.All a) {
                a.rules().forEach(todo::push);
            } else if (r instanceof Rule.Any a) {
                a.rules().forEach(todo::push);
            } else if (r instanceof Rule.Not not) {
                todo.push(not.rule());
            } else {
                n++;
                if (r instanceof Rule.EventCondition e && e.where() != null) {
                    todo.push(e.where());
                }
            }
        }
        return n;
    }

    /** Validates everything but references, collecting them instead. */
    private void collect(Rule rule, CatalogTable table, boolean learners, List<Rule.SegmentRef> out) {
        if (rule instanceof Rule.All a) {
            a.rules().forEach(r -> collect(r, table, learners, out));
        } else if (rule instanceof Rule.Any a) {
            a.rules().forEach(r -> collect(r, table, learners, out));
        } else if (rule instanceof Rule.Not n) {
            collect(n.rule(), table, learners, out);
        } else if (rule instanceof Rule.SegmentRef s) {
            out.add(s);
        } else {
            walk(rule, table, learners);
        }
    }

    private CatalogColumn column(CatalogTable table, String name, String ptr, String where) {
        Optional<CatalogColumn> col = table.column(name);
        if (col.isEmpty()) {
            error(
                    ptr,
                    "unknown attribute '" + shown(name) + "' in " + where + hint(name, table.columnNames(), "columns"));
            return null;
        }
        if (col.get().type() == ColumnType.OTHER) {
            error(
                    ptr,
                    "column '" + name + "' has type " + col.get().nativeType() + ", which rules cannot filter on;"
                            + " expose it as a string, number, boolean, date, timestamp or array column in the warehouse");
            return null;
        }
        return col.get();
    }

    private boolean check(ColumnType type, JsonNode v, String ptr) {
        if (v == null) {
            return true;
        }
        String p = Values.problem(type, v);
        if (p != null) {
            error(ptr, p + ", got " + RuleParser.abbreviate(v.toString()));
            return false;
        }
        return true;
    }

    private void order(ColumnType type, JsonNode from, JsonNode to, String ptr) {
        boolean reversed;
        if (type.isNumeric()) {
            reversed = Double.isFinite(from.doubleValue())
                    && Double.isFinite(to.doubleValue())
                    && from.decimalValue().compareTo(to.decimalValue()) > 0;
        } else {
            var f = Values.time(from.textValue());
            var t = Values.time(to.textValue());
            reversed = f != null
                    && t != null
                    && f.getClass() == t.getClass()
                    && (f instanceof java.time.OffsetDateTime o
                            ? o.isAfter((java.time.OffsetDateTime) t)
                            : ((Comparable) f).compareTo(t) > 0);
        }
        if (reversed) {
            error(RuleParser.child(ptr, "from"), "'from' is after 'to'; swap them");
        }
    }

    private static String describe(ProblemError e) {
        return (e.pointer().isEmpty() ? "" : e.pointer() + ": ") + e.message();
    }

    private static String shown(String name) {
        return RuleParser.abbreviate(name);
    }

    /** "; did you mean x or y?" for near names, else where to look. */
    static String hint(String name, Collection<String> candidates, String what) {
        List<String> near = NearNames.nearest(name, candidates);
        if (!near.isEmpty()) {
            return "; " + NearNames.didYouMean(near);
        }
        return candidates.size() <= 12
                ? "; known " + what + ": " + String.join(", ", candidates)
                : "; see GET /api/v1/catalog for the known " + what;
    }

    private void error(String ptr, String message) {
        errors.add(new ProblemError(ptr, message));
    }
}
