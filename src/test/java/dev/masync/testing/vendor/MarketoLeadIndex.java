package dev.masync.testing.vendor;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@link MarketoFake}'s leads by the value of each unique field (the dedupe fields a {@code lookupField} or a
 * {@code filterType} names), matched case-insensitively as Marketo matches, so a lookup stays O(1) with 100,000+
 * leads. Not thread-safe: the fake calls it under its lock.
 */
final class MarketoLeadIndex {
    /** Lower-case field name → lower-case value → lead ids (ascending, as a scan of the leads by id finds them). */
    private final Map<String, Map<String, Set<Integer>>> byField = new HashMap<>();

    /** Starts indexing {@code field} (its REST name) over {@code leads}; a field indexed already is rebuilt. */
    void index(String field, Map<Integer, Map<String, Object>> leads) {
        Map<String, Set<Integer>> values = new HashMap<>();
        byField.put(key(field), values);
        leads.forEach((id, lead) -> add(values, lead.get(field), id));
    }

    /** Stops indexing {@code field} (no longer unique). */
    void drop(String field) {
        byField.remove(key(field));
    }

    boolean covers(String field) {
        return byField.containsKey(key(field));
    }

    /** The ids of the leads whose indexed {@code field} equals {@code value}, ascending. */
    List<Integer> find(String field, String value) {
        Map<String, Set<Integer>> values = byField.get(key(field));
        if (values == null) throw new IllegalArgumentException("field " + field + " is not indexed");
        Set<Integer> ids = values.get(value.toLowerCase(Locale.ROOT));
        return ids == null ? List.of() : List.copyOf(ids);
    }

    /** {@code field} of lead {@code id} changes from {@code before} to {@code after} (either may be null). */
    void changed(String field, int id, Object before, Object after) {
        Map<String, Set<Integer>> values = byField.get(key(field));
        if (values == null) return;
        if (before != null) {
            Set<Integer> ids = values.get(String.valueOf(before).toLowerCase(Locale.ROOT));
            if (ids != null) {
                ids.remove(id);
                if (ids.isEmpty()) values.remove(String.valueOf(before).toLowerCase(Locale.ROOT));
            }
        }
        add(values, after, id);
    }

    private static void add(Map<String, Set<Integer>> values, Object value, int id) {
        if (value == null) return;
        values.computeIfAbsent(String.valueOf(value).toLowerCase(Locale.ROOT), k -> new TreeSet<>())
                .add(id);
    }

    private static String key(String field) {
        return field.toLowerCase(Locale.ROOT);
    }
}
