package dev.masync.warehouse;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One result row. Values use the Java types listed on {@link QueryParam}: integers as {@code Long}, floating
 * numbers as {@code Double}, exact decimals as {@code BigDecimal}, DATE as {@code LocalDate}, zone-less TIMESTAMP as
 * {@code LocalDateTime}, zoned TIMESTAMP as {@code Instant}, arrays as {@code List}.
 */
public final class Row {
    private final List<String> columns;
    private final Map<String, Integer> index;
    private final Object[] values;

    Row(List<String> columns, Map<String, Integer> index, Object[] values) {
        this.columns = columns;
        this.index = index;
        this.values = values;
    }

    /** Creates rows sharing one column header. */
    public static Factory factory(List<String> columns) {
        return new Factory(columns);
    }

    public List<String> columns() {
        return columns;
    }

    public int size() {
        return values.length;
    }

    public Object get(int i) {
        return values[i];
    }

    public Object get(String column) {
        Integer i = index.get(column);
        if (i == null) {
            throw new IllegalArgumentException("no column " + column + " in " + columns);
        }
        return values[i];
    }

    public List<Object> values() {
        return Collections.unmodifiableList(java.util.Arrays.asList(values));
    }

    @Override
    public String toString() {
        return columns + "=" + java.util.Arrays.toString(values);
    }

    /** Shares one header across the rows of a result. */
    public static final class Factory {
        private final List<String> columns;
        private final Map<String, Integer> index;

        private Factory(List<String> columns) {
            this.columns = List.copyOf(columns);
            java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
            for (int i = 0; i < this.columns.size(); i++) {
                m.putIfAbsent(this.columns.get(i), i);
            }
            this.index = Map.copyOf(m);
        }

        public Row row(Object[] values) {
            if (values.length != columns.size()) {
                throw new IllegalArgumentException("expected " + columns.size() + " values, got " + values.length);
            }
            return new Row(columns, index, values);
        }
    }
}
