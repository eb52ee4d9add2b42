package dev.masync.warehouse.bigquery;

import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.SqlBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BigQueryDialectTest {
    final BigQueryDialect dialect = new BigQueryDialect("test-project", "learning");

    @Test
    void quotesIdentifiersInBackticks() {
        assertThat(dialect.quoteIdentifier("learner_id")).isEqualTo("`learner_id`");
        assertThat(dialect.quoteIdentifier("学年")).isEqualTo("`学年`");
        assertThat(dialect.quoteIdentifier("with space")).isEqualTo("`with space`");
    }

    @Test
    void escapesBackticksAndBackslashesInsideIdentifiers() {
        assertThat(dialect.quoteIdentifier("we`ird")).isEqualTo("`we\\`ird`");
        assertThat(dialect.quoteIdentifier("back\\slash")).isEqualTo("`back\\\\slash`");
        assertThat(dialect.quoteIdentifier("x` OR 1=1 --")).isEqualTo("`x\\` OR 1=1 --`");
        assertThat(dialect.quoteIdentifier("quo\"te'")).isEqualTo("`quo\"te'`");
    }

    @Test
    void rejectsIdentifiersBigQueryCannotQuote() {
        assertThatIllegalArgumentException().isThrownBy(() -> dialect.quoteIdentifier(""));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> dialect.quoteIdentifier("a.b"))
                .withMessageContaining("'a.b'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> dialect.quoteIdentifier("line\nbreak"))
                .withMessageContaining("\\u000a");
    }

    @Test
    void qualifiesTablesWithProjectAndDataset() {
        assertThat(dialect.table("learner_status")).isEqualTo("`test-project.learning.learner_status`");
        assertThat(dialect.table("odd names-1")).isEqualTo("`test-project.learning.odd names-1`");
        assertThat(new BigQueryDialect("example.com:analytics", "learning").table("t"))
                .isEqualTo("`example.com:analytics`.`learning`.`t`");
    }

    @Test
    void rejectsTableNamesThatCouldLeaveTheirQuotes() {
        for (String bad : List.of("a`b", "a.b", "a\\b", "a;b", "", "a'b")) {
            assertThatIllegalArgumentException().as(bad).isThrownBy(() -> dialect.table(bad));
        }
    }

    @Test
    void rejectsInvalidProjectOrDataset() {
        assertThatIllegalArgumentException().isThrownBy(() -> new BigQueryDialect("Bad_Project", "learning"));
        assertThatIllegalArgumentException().isThrownBy(() -> new BigQueryDialect("p-1", "learn-ing"));
        assertThatIllegalArgumentException().isThrownBy(() -> new BigQueryDialect("my-project`", "learning"));
    }

    @Test
    void usesNamedPlaceholders() {
        String sql = new SqlBuilder(dialect)
                .sql("x = ")
                .param(ColumnType.INTEGER, 1L)
                .sql(" AND y IN UNNEST(")
                .param(new QueryParam("ignored", ColumnType.ARRAY, ColumnType.STRING, List.of("a")))
                .sql(")")
                .build()
                .sql();

        assertThat(sql).isEqualTo("x = @p0 AND y IN UNNEST(@p1)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> dialect.placeholder(QueryParam.of("p 0", ColumnType.STRING, "x")));
    }

    @Test
    void writesBigQueryAggregates() {
        assertThat(dialect.approxCountDistinct("`plan`")).isEqualTo("APPROX_COUNT_DISTINCT(`plan`)");
        assertThat(dialect.distinctValuesArray("`plan`", 50))
                .isEqualTo("ARRAY_AGG(DISTINCT `plan` IGNORE NULLS LIMIT 50)");
        assertThatIllegalArgumentException().isThrownBy(() -> dialect.distinctValuesArray("`plan`", 0));
    }
}
