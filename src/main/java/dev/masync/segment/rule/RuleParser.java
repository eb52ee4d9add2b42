package dev.masync.segment.rule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.platform.problem.ProblemError;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a rule from JSON by hand, so that every error points at its node. Checks the shape (node kinds, fields per
 * operator, scalar values, ISO-8601 durations) and the limits; names and value types against the catalog are
 * {@link RuleValidator}'s job. Recursion is bounded by {@link #MAX_DEPTH}: deeper nodes are reported, not read.
 */
public final class RuleParser {
    public static final int MAX_DEPTH = 10;
    public static final int MAX_CONDITIONS = 200;
    public static final int MAX_VALUES = 1000;

    static final List<String> VALUE_OPS =
            List.of("eq", "neq", "lt", "lte", "gt", "gte", "contains", "starts_with", "ends_with", "before", "after");
    static final List<String> VALUES_OPS = List.of("in", "not_in", "contains_any", "contains_all");
    static final List<String> DURATION_OPS = List.of("within_last", "before_last", "within_next", "after_next");
    static final List<String> NO_OPERAND_OPS = List.of("is_null", "is_not_null", "is_true", "is_false");
    static final List<String> EVENT_OPS = List.of("eq", "neq", "lt", "lte", "gt", "gte", "between");
    static final List<String> AGGREGATES = List.of("count", "count_distinct", "sum", "min", "max", "avg");
    private static final List<String> KINDS = List.of("all", "any", "not", "attribute", "event", "segment");

    private final List<ProblemError> errors = new ArrayList<>();
    private int conditions;
    private boolean tooMany;

    private RuleParser() {}

    /**
     * @param rule    the rule JSON (the value of the {@code rule} field)
     * @param pointer JSON pointer of {@code rule} within the request, e.g. {@code /rule}; errors point below it
     */
    public static Parsed parse(JsonNode rule, String pointer) {
        RuleParser p = new RuleParser();
        Rule parsed = p.node(rule, pointer, 1, false);
        if (p.tooMany) {
            p.errors.add(
                    new ProblemError(
                            pointer,
                            "the rule has more than " + MAX_CONDITIONS
                                    + " conditions; split it into saved segments and refer to them with {\"segment\": \"key\"}"));
        }
        return new Parsed(parsed, p.errors);
    }

    static String child(String pointer, String field) {
        return pointer + "/" + field.replace("~", "~0").replace("/", "~1");
    }

    static String child(String pointer, int index) {
        return pointer + "/" + index;
    }

    private Rule node(JsonNode n, String ptr, int depth, boolean inWhere) {
        if (n == null || !n.isObject()) {
            error(ptr, "expected a rule object with one of " + String.join(", ", KINDS));
            return null;
        }
        if (depth > MAX_DEPTH) {
            error(
                    ptr,
                    "rules nest at most " + MAX_DEPTH + " levels deep; flatten nested all/any or move parts into"
                            + " saved segments");
            return null;
        }
        List<String> kinds = KINDS.stream().filter(n::has).toList();
        if (kinds.size() != 1) {
            error(
                    ptr,
                    kinds.isEmpty()
                            ? "expected exactly one of " + String.join(", ", KINDS) + " in a rule object"
                            : "a rule object has exactly one of " + String.join(", ", KINDS) + ", this one has " + kinds
                                    + "; wrap them in {\"all\": [...]}");
            return null;
        }
        String kind = kinds.get(0);
        switch (kind) {
            case "all", "any" -> {
                onlyFields(n, ptr, fields(kind), "");
                JsonNode list = n.get(kind);
                String lp = child(ptr, kind);
                if (!list.isArray()) {
                    error(lp, "'" + kind + "' takes an array of rules");
                    return null;
                }
                if (list.isEmpty()) {
                    error(
                            lp,
                            kind.equals("any")
                                    ? "an empty 'any' matches nobody; add at least one rule"
                                    : inWhere
                                            ? "an empty 'all' filters nothing; add at least one condition or remove"
                                                    + " 'where' to count every event"
                                            : "an empty 'all' would select every learner; add at least one rule (to"
                                                    + " select everyone on purpose, test the key: {\"attribute\":"
                                                    + " \"<learner key>\", \"op\": \"is_not_null\"})");
                }
                List<Rule> rules = new ArrayList<>();
                for (int i = 0; i < list.size() && !tooMany; i++) {
                    Rule r = node(list.get(i), child(lp, i), depth + 1, inWhere);
                    if (r != null) {
                        rules.add(r);
                    }
                }
                return kind.equals("all") ? new Rule.All(ptr, rules) : new Rule.Any(ptr, rules);
            }
            case "not" -> {
                onlyFields(n, ptr, fields("not"), "");
                Rule r = node(n.get("not"), child(ptr, "not"), depth + 1, inWhere);
                return r == null ? null : new Rule.Not(ptr, r);
            }
            case "segment" -> {
                count();
                onlyFields(n, ptr, fields("segment"), "");
                if (inWhere) {
                    error(
                            ptr,
                            "segment references cannot filter events; use attribute conditions on the event"
                                    + " table's columns in 'where'");
                }
                String key = text(n, ptr, "segment");
                return key == null ? null : new Rule.SegmentRef(ptr, key);
            }
            case "event" -> {
                count();
                if (inWhere) {
                    error(
                            ptr,
                            "event conditions cannot nest inside 'where'; use attribute conditions on the event"
                                    + " table's columns");
                    return null;
                }
                return event(n, ptr, depth);
            }
            default -> {
                count();
                return attribute(n, ptr);
            }
        }
    }

    private Rule attribute(JsonNode n, String ptr) {
        String attribute = text(n, ptr, "attribute");
        String op = text(n, ptr, "op");
        Set<String> allowed = new LinkedHashSet<>(List.of("attribute", "op"));
        if (op == null) {
            allowed.addAll(List.of("value", "values", "from", "to", "duration"));
            onlyFields(n, ptr, allowed, "");
            return null;
        }
        JsonNode value = null;
        List<JsonNode> values = null;
        JsonNode from = null;
        JsonNode to = null;
        TimeAmount duration = null;
        boolean known = true;
        if (VALUE_OPS.contains(op)) {
            allowed.add("value");
            value = scalar(n, ptr, "value");
        } else if (VALUES_OPS.contains(op)) {
            allowed.add("values");
            values = scalars(n, ptr);
        } else if (op.equals("between")) {
            allowed.addAll(List.of("from", "to"));
            from = scalar(n, ptr, "from");
            to = scalar(n, ptr, "to");
        } else if (DURATION_OPS.contains(op)) {
            allowed.add("duration");
            duration = duration(n.get("duration"), ptr, "duration");
        } else if (!NO_OPERAND_OPS.contains(op)) {
            known = false;
            error(child(ptr, "op"), "unknown operator '" + op + "'; use one of " + allOps());
        }
        if (known) {
            onlyFields(n, ptr, allowed, " for operator '" + op + "'");
        }
        if (attribute == null || !known) {
            return null;
        }
        return new Rule.AttributeCondition(ptr, attribute, op, value, values, from, to, duration);
    }

    private Rule event(JsonNode n, String ptr, int depth) {
        Set<String> allowed =
                new LinkedHashSet<>(List.of("event", "where", "within_last", "between", "aggregate", "op"));
        String event = text(n, ptr, "event");
        Rule where = null;
        if (n.has("where")) {
            where = node(n.get("where"), child(ptr, "where"), depth + 1, true);
        }
        Rule.Window window = null;
        if (n.has("within_last") && n.has("between")) {
            error(child(ptr, "between"), "use either 'within_last' or 'between' as the window, not both");
        } else if (n.has("within_last")) {
            TimeAmount a = duration(n.get("within_last"), ptr, "within_last");
            window = a == null ? null : new Rule.WithinLast(child(ptr, "within_last"), a);
        } else if (n.has("between")) {
            String bp = child(ptr, "between");
            JsonNode b = n.get("between");
            if (!b.isObject()) {
                error(bp, "'between' takes {\"from\": \"...\", \"to\": \"...\"} with ISO-8601 times");
            } else {
                onlyFields(b, bp, fields("from", "to"), " in an event window");
                JsonNode from = scalar(b, bp, "from");
                JsonNode to = scalar(b, bp, "to");
                window = from == null || to == null ? null : new Rule.Between(bp, from, to);
            }
        }
        Rule.Aggregate aggregate = aggregate(n.get("aggregate"), child(ptr, "aggregate"));
        String op = text(n, ptr, "op");
        JsonNode value = null;
        JsonNode from = null;
        JsonNode to = null;
        if (op != null && !EVENT_OPS.contains(op)) {
            error(
                    child(ptr, "op"),
                    "operator '" + op + "' cannot compare an event aggregate; use one of "
                            + String.join(", ", EVENT_OPS));
            op = null;
            allowed.addAll(List.of("value", "from", "to"));
        } else if ("between".equals(op)) {
            allowed.addAll(List.of("from", "to"));
            from = scalar(n, ptr, "from");
            to = scalar(n, ptr, "to");
        } else if (op != null) {
            allowed.add("value");
            value = scalar(n, ptr, "value");
        } else {
            allowed.addAll(List.of("value", "from", "to"));
        }
        onlyFields(n, ptr, allowed, " in an event condition");
        if (event == null || aggregate == null || op == null) {
            return null;
        }
        return new Rule.EventCondition(ptr, event, where, window, aggregate, op, value, from, to);
    }

    private Rule.Aggregate aggregate(JsonNode a, String ptr) {
        if (a == null) {
            error(ptr, "missing 'aggregate'; e.g. {\"fn\": \"count\"} or {\"fn\": \"sum\", \"attribute\": \"column\"}");
            return null;
        }
        if (!a.isObject()) {
            error(ptr, "'aggregate' takes {\"fn\": \"count\"} or {\"fn\": \"sum\", \"attribute\": \"column\"}");
            return null;
        }
        onlyFields(a, ptr, fields("fn", "attribute"), " in an aggregate");
        String fn = text(a, ptr, "fn");
        if (fn == null) {
            return null;
        }
        if (!AGGREGATES.contains(fn)) {
            error(child(ptr, "fn"), "unknown aggregate '" + fn + "'; use one of " + String.join(", ", AGGREGATES));
            return null;
        }
        String attribute = null;
        if (fn.equals("count")) {
            if (a.has("attribute")) {
                error(
                        child(ptr, "attribute"),
                        "count counts events and takes no attribute; remove it, or use"
                                + " count_distinct to count distinct values of a column");
            }
        } else {
            attribute = text(a, ptr, "attribute");
            if (attribute == null) {
                return null;
            }
        }
        return new Rule.Aggregate(ptr, fn, attribute);
    }

    private void count() {
        if (++conditions > MAX_CONDITIONS) {
            tooMany = true;
        }
    }

    private String text(JsonNode n, String ptr, String field) {
        JsonNode v = n.get(field);
        if (v == null) {
            error(ptr, "missing '" + field + "'");
            return null;
        }
        if (!v.isTextual() || v.textValue().isEmpty()) {
            error(child(ptr, field), "'" + field + "' must be a non-empty string");
            return null;
        }
        return v.textValue();
    }

    private JsonNode scalar(JsonNode n, String ptr, String field) {
        JsonNode v = n.get(field);
        if (v == null) {
            error(ptr, "missing '" + field + "'");
            return null;
        }
        return scalarValue(v, child(ptr, field));
    }

    private JsonNode scalarValue(JsonNode v, String ptr) {
        if (v.isNull()) {
            error(ptr, "a value cannot be null; use op is_null or is_not_null to test for missing values");
            return null;
        }
        if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
            error(ptr, "expected a single value (string, number or boolean)");
            return null;
        }
        return v;
    }

    private List<JsonNode> scalars(JsonNode n, String ptr) {
        JsonNode v = n.get("values");
        String vp = child(ptr, "values");
        if (v == null) {
            error(ptr, "missing 'values' (an array)");
            return null;
        }
        if (!v.isArray()) {
            error(vp, "'values' must be an array, e.g. [\"a\", \"b\"]");
            return null;
        }
        if (v.isEmpty()) {
            error(vp, "'values' is empty; give at least one value");
            return null;
        }
        if (v.size() > MAX_VALUES) {
            error(vp, "'values' has " + v.size() + " entries; at most " + MAX_VALUES);
            return null;
        }
        List<JsonNode> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
            JsonNode s = scalarValue(v.get(i), child(vp, i));
            ok &= s != null;
            out.add(s);
        }
        return ok ? out : null;
    }

    private TimeAmount duration(JsonNode v, String ptr, String field) {
        if (v == null) {
            error(ptr, "missing '" + field + "' (an ISO-8601 duration such as P7D, PT12H or P1M)");
            return null;
        }
        TimeAmount a = v.isTextual() ? TimeAmount.parse(v.textValue()).orElse(null) : null;
        if (a == null) {
            error(
                    child(ptr, field),
                    "'" + field + "' must be a positive ISO-8601 duration of at most 100 years, such as P7D, PT12H or"
                            + " P1M, was " + abbreviate(v.toString()));
        }
        return a;
    }

    private void onlyFields(JsonNode n, String ptr, Set<String> allowed, String where) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                error(
                        child(ptr, f),
                        "unknown field '" + abbreviate(f) + "'" + where + "; expected " + String.join(", ", allowed));
            }
        }
    }

    private static Set<String> fields(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }

    private static String allOps() {
        List<String> all = new ArrayList<>(VALUE_OPS);
        all.addAll(VALUES_OPS);
        all.add("between");
        all.addAll(DURATION_OPS);
        all.addAll(NO_OPERAND_OPS);
        return String.join(", ", all);
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private void error(String ptr, String message) {
        errors.add(new ProblemError(ptr, message));
    }
}
