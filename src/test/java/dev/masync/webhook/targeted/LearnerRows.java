package dev.masync.webhook.targeted;

import dev.masync.warehouse.ColumnType;
import dev.masync.warehouse.SqlBuilder;
import dev.masync.warehouse.Warehouse;
import dev.masync.warehouse.WarehouseConfig;

/** Changes the tests of the targeted sync make to learners in the warehouse. */
final class LearnerRows {
    private LearnerRows() {}

    static void setStreak(Warehouse w, WarehouseConfig config, String learnerKey, long streak) {
        w.execute(new SqlBuilder(w.dialect())
                .sql("UPDATE ")
                .table(config.learnersTable())
                .sql(" SET streak_days = ")
                .param(ColumnType.INTEGER, streak)
                .sql(" WHERE CAST(")
                .ident(config.learnerKey())
                .sql(" AS VARCHAR) = ")
                .param(ColumnType.STRING, learnerKey)
                .build());
    }
}
