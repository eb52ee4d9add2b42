package dev.masync.sync.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatementLabelTest {

    @Test
    void aFoldIsLabelledByTheLogItAppendsToAndTheRunTableItReads() {
        assertThat(StatementLabel.of(
                        "INSERT INTO `p.masync_state.statelog__crm` (k, v)\nSELECT c.k, (SELECT MAX(v) FROM"
                                + " `p.masync_state.statelog__crm`) FROM `p.masync_state.changes__crm__5` AS p",
                        "crm"))
                .isEqualTo("fold INSERT statelog ← changes__5");
    }

    @Test
    void compactionAndItsSizeCheckAreLabelledCompact() {
        assertThat(StatementLabel.of(
                        "MERGE INTO `p.s.state__crm` AS s USING (SELECT k FROM `p.s.statelog__crm`) AS c ON s.k = c.k",
                        "crm"))
                .isEqualTo("compact MERGE state ← statelog");
        assertThat(StatementLabel.of("DELETE FROM `p.s.statelog__crm` WHERE v <= @p0", "crm"))
                .isEqualTo("compact DELETE statelog");
        assertThat(StatementLabel.of(
                        "SELECT (SELECT COUNT(*) FROM `p.s.statelog__crm`) AS log_rows, (SELECT COUNT(*) FROM"
                                + " `p.s.state__crm`) AS state_rows",
                        "crm"))
                .isEqualTo("compact check SELECT statelog, state");
    }

    @Test
    void theDiffAndTheCopyAreTablesCreatedFromQueriesAndColumnsAreNotTables() {
        assertThat(StatementLabel.of(
                        "CREATE OR REPLACE TABLE `p.s.pending__crm` AS WITH m AS (SELECT l.`email` FROM"
                                + " `p.src.learners` AS l) SELECT * FROM m JOIN `p.s.state__crm`",
                        "crm"))
                .isEqualTo("diff CTAS pending ← learners, state");
        assertThat(StatementLabel.of(
                        "CREATE OR REPLACE TABLE `p.s.changes__crm__7` AS SELECT seq FROM `p.s.pending__crm`", "crm"))
                .isEqualTo("copy CTAS changes__7 ← pending");
        assertThat(StatementLabel.of("SELECT COUNT(*) AS count FROM `p.src.learners` AS l WHERE l.`x` >= @p0", "crm"))
                .isEqualTo("count ← learners");
    }

    @Test
    void tablesReadLeaveOutTheTableACreateOrInsertWritesButNotTheTargetOfAMerge() {
        assertThat(StatementLabel.tablesRead("INSERT INTO `p.s.statelog__c` (k) SELECT k, (SELECT MAX(v) FROM"
                        + " `p.s.statelog__c`) FROM `p.s.changes__c__5`"))
                .as("the log's versions and the run's changes")
                .isEqualTo(2);
        assertThat(StatementLabel.tablesRead("INSERT INTO `p.s.statelog__c` (k) SELECT k FROM `p.s.changes__c__5`"))
                .isEqualTo(1);
        assertThat(StatementLabel.tablesRead("CREATE OR REPLACE TABLE `p.s.pending__c` AS SELECT 1 FROM `p.src.l`"
                        + " JOIN `p.s.state__c` USING (k)"))
                .isEqualTo(2);
        assertThat(StatementLabel.tablesRead("MERGE INTO `p.s.state__c` AS s USING `p.s.statelog__c` AS c ON TRUE"))
                .isEqualTo(2);
        assertThat(StatementLabel.tablesRead("CREATE TABLE IF NOT EXISTS `p.s.state__c` (k STRING)"))
                .isZero();
        assertThat(StatementLabel.tablesRead("DROP TABLE IF EXISTS `p.s.pending__c`"))
                .isZero();
    }
}
