package dev.masync.warehouse;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link BoundQuery}: trusted SQL text, dialect-quoted identifiers and bound parameters. Never append text
 * that came from a request; pass values through {@link #param} and names through {@link #ident}.
 */
public final class SqlBuilder {
    private final SqlDialect dialect;
    private final StringBuilder sql = new StringBuilder();
    private final List<QueryParam> params = new ArrayList<>();

    public SqlBuilder(SqlDialect dialect) {
        this.dialect = Objects.requireNonNull(dialect);
    }

    public SqlDialect dialect() {
        return dialect;
    }

    /** Appends trusted SQL text (keywords, operators, function names written in code). */
    public SqlBuilder sql(String trusted) {
        sql.append(trusted);
        return this;
    }

    /** Appends a quoted identifier; the caller guarantees it was checked against the catalog. */
    public SqlBuilder ident(String identifier) {
        sql.append(dialect.quoteIdentifier(identifier));
        return this;
    }

    /** Appends a reference to a source table. */
    public SqlBuilder table(String tableName) {
        sql.append(dialect.table(tableName));
        return this;
    }

    /** Appends a placeholder and binds the value to it. */
    public SqlBuilder param(ColumnType type, Object value) {
        return param(new QueryParam("p" + params.size(), type, null, value));
    }

    public SqlBuilder param(QueryParam param) {
        QueryParam named = new QueryParam("p" + params.size(), param.type(), param.elementType(), param.value());
        params.add(named);
        sql.append(dialect.placeholder(named));
        return this;
    }

    public BoundQuery build() {
        return new BoundQuery(sql.toString(), params);
    }

    @Override
    public String toString() {
        return sql.toString();
    }
}
