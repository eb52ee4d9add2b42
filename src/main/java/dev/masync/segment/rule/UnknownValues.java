package dev.masync.segment.rule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogColumn;
import dev.masync.catalog.CatalogTable;
import dev.masync.platform.NearNames;
import dev.masync.warehouse.ColumnType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Warns about string values that no row has: an {@code eq}, {@code neq}, {@code in} or {@code not_in} value (also in
 * an event condition's {@code where}) outside a column's known values. Strings compare exactly, so such a value
 * silently selects nobody ({@code eq}, {@code in}) or excludes nobody ({@code neq}, {@code not_in}). Only columns
 * whose known values are complete are checked (see {@link CatalogColumn#knownValuesComplete()}); a high-cardinality
 * column never warns. Each warning suggests the nearest known value: one equal but for case first, then the nearest
 * by edit distance ({@link NearNames}).
 */
public final class UnknownValues {
    /** Known values listed in a message at most; more are left to {@code GET /api/v1/catalog}. */
    static final int LISTED = 12;

    private static final Set<String> SELECTING = Set.of("eq", "in");
    private static final Set<String> EXCLUDING = Set.of("neq", "not_in");

    private final Catalog catalog;
    private final List<RuleWarning> warnings = new ArrayList<>();

    private UnknownValues(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Warnings for a rule {@link RuleValidator} accepted (names it cannot resolve are skipped, not reported). */
    public static List<RuleWarning> of(Rule rule, Catalog catalog) {
        UnknownValues w = new UnknownValues(catalog);
        if (rule != null) {
            w.walk(rule, catalog.learners(), null);
        }
        return List.copyOf(w.warnings);
    }

    /** @param event the event table whose {@code where} this is, or null for the learners table */
    private void walk(Rule rule, CatalogTable table, String event) {
        if (rule instanceof Rule.All a) {
            a.rules().forEach(r -> walk(r, table, event));
        } else if (rule instanceof Rule.Any a) {
            a.rules().forEach(r -> walk(r, table, event));
        } else if (rule instanceof Rule.Not n) {
            walk(n.rule(), table, event);
        } else if (rule instanceof Rule.EventCondition e && e.where() != null) {
            catalog.eventTable(e.event()).ifPresent(t -> walk(e.where(), t.table(), t.name()));
        } else if (rule instanceof Rule.AttributeCondition c) {
            condition(c, table, event);
        }
    }

    private void condition(Rule.AttributeCondition c, CatalogTable table, String event) {
        boolean selecting = SELECTING.contains(c.op());
        if (!selecting && !EXCLUDING.contains(c.op())) {
            return;
        }
        CatalogColumn col = table.column(c.attribute()).orElse(null);
        if (col == null || col.type() != ColumnType.STRING || !col.knownValuesComplete()) {
            return;
        }
        Set<String> known = new HashSet<>(col.knownValues());
        if (c.value() != null) {
            check(c.value(), RuleParser.child(c.pointer(), "value"), col, known, selecting, event);
        }
        if (c.values() != null) {
            String values = RuleParser.child(c.pointer(), "values");
            for (int i = 0; i < c.values().size(); i++) {
                check(c.values().get(i), RuleParser.child(values, i), col, known, selecting, event);
            }
        }
    }

    private void check(
            JsonNode v, String pointer, CatalogColumn col, Set<String> known, boolean selecting, String event) {
        if (v == null || !v.isTextual() || known.contains(v.textValue())) {
            return;
        }
        String value = v.textValue();
        String suggestion = nearest(value, col.knownValues());
        String rows = event == null ? "no learner has " : "no '" + event + "' event has ";
        String message = rows + "'" + col.name() + "' = '" + RuleParser.abbreviate(value) + "' (its values: "
                + listed(col.knownValues()) + "); values match exactly, case included, so this value "
                + (selecting ? "selects nobody" : "excludes nobody")
                + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?");
        warnings.add(new RuleWarning(pointer, RuleWarning.UNKNOWN_VALUE, message, suggestion));
    }

    /** The known value equal to {@code value} but for case, else the nearest by edit distance, else null. */
    static String nearest(String value, List<String> known) {
        String lower = value.toLowerCase(Locale.ROOT);
        for (String k : known) {
            if (k.toLowerCase(Locale.ROOT).equals(lower)) {
                return k;
            }
        }
        List<String> near = NearNames.nearest(value, known);
        return near.isEmpty() ? null : near.get(0);
    }

    private static String listed(List<String> known) {
        List<String> shown =
                known.stream().limit(LISTED).map(RuleParser::abbreviate).toList();
        return String.join(", ", shown)
                + (known.size() > LISTED ? " and " + (known.size() - LISTED) + " more: see GET /api/v1/catalog" : "");
    }
}
