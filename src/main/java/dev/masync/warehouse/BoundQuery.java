package dev.masync.warehouse;

import java.util.List;
import java.util.Objects;

/**
 * SQL in one warehouse's dialect together with its parameters. The SQL text contains only trusted fragments,
 * catalog-checked identifiers quoted by the dialect, and placeholders produced by
 * {@link SqlDialect#placeholder(QueryParam)}; positional dialects bind {@code params} in list order.
 */
public record BoundQuery(String sql, List<QueryParam> params) {
    public BoundQuery {
        Objects.requireNonNull(sql, "sql");
        params = List.copyOf(params);
    }

    public static BoundQuery of(String sql) {
        return new BoundQuery(sql, List.of());
    }
}
