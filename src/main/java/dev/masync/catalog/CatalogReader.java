package dev.masync.catalog;

import dev.masync.warehouse.BoundQuery;
import dev.masync.warehouse.ColumnInfo;
import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the catalog from a warehouse: column names and types from the warehouse's own metadata, and for string
 * columns with few distinct values, those values. Known values cost a scan, so they are cached per column for
 * {@link CatalogSpec#knownValuesMaxAge()}; column metadata is read every time.
 */
public final class CatalogReader {
    private final CatalogSpec spec;
    private final Clock clock;
    private final Map<String, KnownValues> knownValues = new ConcurrentHashMap<>();

    private record KnownValues(String nativeType, List<String> values, Instant readAt) {}

    public CatalogReader(CatalogSpec spec, Clock clock) {
        this.spec = Objects.requireNonNull(spec);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * @throws CatalogException if the learners table or its key column is missing
     * @throws WarehouseException if the warehouse cannot be reached
     */
    public Catalog read(Warehouse warehouse) {
        List<String> warnings = new ArrayList<>();
        List<ColumnInfo> learnerColumns;
        try {
            learnerColumns = warehouse.describe(spec.learnersTable());
        } catch (WarehouseException e) {
            if (e.kind() == WarehouseException.Kind.NOT_FOUND) {
                throw new CatalogException(
                        "learners table '" + spec.learnersTable() + "' not found in the "
                                + warehouse.kind()
                                + " warehouse; set masync.warehouse.learners-table to the table or view"
                                + " with one row per learner",
                        e);
            }
            throw e;
        }
        if (learnerColumns.stream().noneMatch(c -> c.name().equals(spec.learnerKey()))) {
            throw new CatalogException(
                    "learners table '" + spec.learnersTable() + "' has no column '"
                            + spec.learnerKey() + "'; set masync.warehouse.learner-key to one of "
                            + learnerColumns.stream().map(ColumnInfo::name).toList(),
                    null);
        }
        CatalogTable learners = table(warehouse, spec.learnersTable(), learnerColumns);

        List<EventTable> events = new ArrayList<>();
        for (String name : spec.eventTables()) {
            List<ColumnInfo> columns;
            try {
                columns = warehouse.describe(name);
            } catch (WarehouseException e) {
                if (e.kind() != WarehouseException.Kind.NOT_FOUND) {
                    throw e;
                }
                warnings.add("event table '" + name + "' not found; remove it from masync.warehouse.event-tables"
                        + " or create it");
                continue;
            }
            List<String> names = columns.stream().map(ColumnInfo::name).toList();
            String key = spec.keyOverride(name).orElse(spec.learnerKey());
            if (!names.contains(key)) {
                warnings.add("event table '" + name + "' has no column '" + key
                        + "'; set masync.warehouse.event-table.\"" + name + "\".learner-key to one of " + names);
                continue;
            }
            String timestamp = spec.timestampOverride(name).orElse(null);
            if (timestamp == null) {
                List<String> candidates = columns.stream()
                        .filter(c -> c.type() == ColumnType.TIMESTAMP || c.type() == ColumnType.TIMESTAMP_TZ)
                        .map(ColumnInfo::name)
                        .toList();
                if (candidates.size() != 1) {
                    warnings.add("event table '" + name + "' has " + (candidates.isEmpty() ? "no" : candidates.size())
                            + " timestamp columns " + candidates + "; set masync.warehouse.event-table.\"" + name
                            + "\".timestamp-column");
                    continue;
                }
                timestamp = candidates.get(0);
            } else if (!names.contains(timestamp)) {
                warnings.add("event table '" + name + "' has no column '" + timestamp
                        + "'; fix masync.warehouse.event-table.\"" + name + "\".timestamp-column (columns: " + names
                        + ")");
                continue;
            }
            events.add(new EventTable(table(warehouse, name, columns), key, timestamp));
        }
        return new Catalog(warehouse.kind(), learners, spec.learnerKey(), events, warnings, clock.instant());
    }

    private CatalogTable table(Warehouse warehouse, String tableName, List<ColumnInfo> columns) {
        Map<String, List<String>> values = knownValues(warehouse, tableName, columns);
        List<CatalogColumn> out = new ArrayList<>(columns.size());
        for (ColumnInfo c : columns) {
            out.add(new CatalogColumn(
                    c.name(), c.type(), c.elementType(), c.nativeType(), values.getOrDefault(c.name(), List.of())));
        }
        return new CatalogTable(tableName, out);
    }

    private Map<String, List<String>> knownValues(Warehouse warehouse, String tableName, List<ColumnInfo> columns) {
        Instant now = clock.instant();
        Map<String, List<String>> result = new java.util.HashMap<>();
        List<ColumnInfo> stale = new ArrayList<>();
        for (ColumnInfo c : columns) {
            if (c.type() != ColumnType.STRING) {
                continue;
            }
            KnownValues cached = knownValues.get(tableName + "\u0000" + c.name());
            if (cached != null
                    && cached.nativeType().equals(c.nativeType())
                    && cached.readAt().plus(spec.knownValuesMaxAge()).isAfter(now)) {
                result.put(c.name(), cached.values());
            } else {
                stale.add(c);
            }
        }
        if (stale.isEmpty()) {
            return result;
        }
        var dialect = warehouse.dialect();
        // 1st scan: approximate distinct counts of every stale string column.
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < stale.size(); i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append(dialect.approxCountDistinct(
                            dialect.quoteIdentifier(stale.get(i).name())));
        }
        sql.append(" FROM ").append(dialect.table(tableName));
        long[] approx = new long[stale.size()];
        warehouse.query(BoundQuery.of(sql.toString()), row -> {
            for (int i = 0; i < approx.length; i++) {
                approx[i] = row.get(i) == null ? 0 : ((Number) row.get(i)).longValue();
            }
            return false;
        });
        List<ColumnInfo> low = new ArrayList<>();
        for (int i = 0; i < stale.size(); i++) {
            if (approx[i] <= 2L * spec.knownValuesLimit()) {
                low.add(stale.get(i));
            } else {
                knownValues.put(
                        tableName + "\u0000" + stale.get(i).name(),
                        new KnownValues(stale.get(i).nativeType(), List.of(), now));
            }
        }
        if (!low.isEmpty()) {
            // 2nd scan: exact distinct values of the candidates, capped one past the limit.
            StringBuilder values = new StringBuilder("SELECT ");
            for (int i = 0; i < low.size(); i++) {
                values.append(i == 0 ? "" : ", ")
                        .append(dialect.distinctValuesArray(
                                dialect.quoteIdentifier(low.get(i).name()), spec.knownValuesLimit() + 1));
            }
            values.append(" FROM ").append(dialect.table(tableName));
            warehouse.query(BoundQuery.of(values.toString()), row -> {
                for (int i = 0; i < low.size(); i++) {
                    List<String> list = new ArrayList<>();
                    if (row.get(i) instanceof List<?> l) {
                        l.forEach(v -> list.add(String.valueOf(v)));
                    }
                    List<String> kept = list.size() > spec.knownValuesLimit()
                            ? List.of()
                            : list.stream().sorted().toList();
                    knownValues.put(
                            tableName + "\u0000" + low.get(i).name(),
                            new KnownValues(low.get(i).nativeType(), kept, now));
                    result.put(low.get(i).name(), kept);
                }
                return false;
            });
        }
        return result;
    }
}
