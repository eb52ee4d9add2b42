package dev.masync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.catalog.Catalog;
import dev.masync.catalog.CatalogColumn;
import dev.masync.catalog.CatalogTable;
import dev.masync.connector.spi.Capabilities;
import dev.masync.platform.problem.ProblemError;
import dev.masync.warehouse.ColumnType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SyncDefinitionParserTest {
    static final Catalog CATALOG = new Catalog(
            "duckdb",
            new CatalogTable(
                    "members",
                    List.of(
                            new CatalogColumn("member_no", ColumnType.INTEGER, null, "BIGINT", null),
                            new CatalogColumn("mail", ColumnType.STRING, null, "VARCHAR", null),
                            new CatalogColumn("score", ColumnType.NUMBER, null, "DOUBLE", null),
                            new CatalogColumn("renewal", ColumnType.DATE, null, "DATE", null),
                            new CatalogColumn("refreshed", ColumnType.TIMESTAMP, null, "TIMESTAMP", null),
                            new CatalogColumn("blob", ColumnType.OTHER, null, "STRUCT(a INT)", null))),
            "member_no",
            List.of(),
            List.of(),
            Instant.EPOCH);
    static final SyncDefinitionParser.Context CONTEXT = new SyncDefinitionParser.Context(
            CATALOG,
            "vip"::equals,
            d -> d.equals("crm") ? Optional.of(Capabilities.FIELDS_BY_ANY_KEY) : Optional.empty());

    static SyncDefinitionParser.Result parse(String json) throws Exception {
        JsonNode node = new ObjectMapper().readTree(json);
        return SyncDefinitionParser.parse(node, null, CONTEXT);
    }

    @Test
    void aFullDefinitionReadsWithDefaults() throws Exception {
        SyncDefinitionParser.Result r = parse("""
                {"key": "vip_crm", "segment": "vip", "destination": "crm",
                 "identity": {"attribute": "mail", "field": "email"},
                 "mapping": [{"source": "score", "target": "score"},
                             {"source": "renewal", "target": "renewal_ms", "format": "epoch_millis"}],
                 "membership": {"style": "value", "field": "tier", "value": "vip"},
                 "schedule": {"cron": "*/15 * * * *"},
                 "freshness": {"attribute": "refreshed", "maxAge": "PT36H"}}""");
        assertThat(r.errors()).isEmpty();
        SyncDefinition d = r.definition();
        assertThat(d.name()).isEqualTo("vip_crm");
        assertThat(d.mode()).isEqualTo(SyncDefinition.Mode.UPSERT);
        assertThat(d.guard()).isEqualTo(SyncDefinition.Guard.DEFAULT);
        assertThat(d.mapping().get(1).format()).isEqualTo(SyncDefinition.Format.EPOCH_MILLIS);
        assertThat(d.freshness().orElseThrow().maxAge()).contains(Duration.ofHours(36));
        // what is written back reads the same
        assertThat(SyncDefinitionParser.parse(SyncJson.write(d), null, CONTEXT).definition())
                .isEqualTo(d);
    }

    @Test
    void theIdentityDefaultsToTheLearnerKey() throws Exception {
        SyncDefinition d = parse("{\"key\": \"k\", \"segment\": \"vip\", \"destination\": \"crm\","
                        + " \"membership\": {\"style\": \"boolean\", \"field\": \"vip\"}}")
                .definition();
        assertThat(d.identity()).isEqualTo(new SyncDefinition.Identity("member_no", "member_no"));
    }

    @Test
    void aListMembershipMayNameTheItemAMemberCarriesAndABooleanMayNot() throws Exception {
        Capabilities arrays = new Capabilities(
                java.util.Set.of(Capabilities.IdentityKind.ANY_STRING),
                java.util.EnumSet.allOf(Capabilities.WriteMode.class),
                java.util.EnumSet.allOf(Capabilities.MembershipStyle.class));
        SyncDefinitionParser.Context context =
                new SyncDefinitionParser.Context(CATALOG, "vip"::equals, d -> Optional.of(arrays));
        SyncDefinitionParser.Result list = SyncDefinitionParser.parse(
                new ObjectMapper()
                        .readTree("{\"key\": \"k\", \"segment\": \"vip\", \"destination\": \"braze\","
                                + " \"membership\": {\"style\": \"list\", \"field\": \"segments\","
                                + " \"value\": \"vip_members\"}}"),
                null,
                context);
        assertThat(list.errors()).isEmpty();
        assertThat(list.definition().membershipTarget().orElseThrow().value()).isEqualTo("vip_members");
        assertThat(SyncDefinitionParser.parse(SyncJson.write(list.definition()), null, context)
                        .definition())
                .isEqualTo(list.definition());
        SyncDefinitionParser.Result bool = SyncDefinitionParser.parse(
                new ObjectMapper()
                        .readTree("{\"key\": \"k\", \"segment\": \"vip\", \"destination\": \"braze\","
                                + " \"membership\": {\"style\": \"boolean\", \"field\": \"vip\","
                                + " \"value\": \"x\"}}"),
                null,
                context);
        assertThat(bool.errors()).extracting(ProblemError::pointer).containsExactly("/membership/value");
    }

    @Test
    void everyProblemIsReportedWithItsPointer() throws Exception {
        SyncDefinitionParser.Result r = parse("""
                {"key": "Bad Key", "segment": "gone", "destination": "nowhere",
                 "identity": {"attribute": "score"},
                 "mapping": [{"source": "blob"}, {"source": "score", "target": "score"},
                             {"source": "mail", "target": "m", "format": "date"}, {"target": "x"}],
                 "membership": {"style": "list", "field": "l"},
                 "mode": "replace", "schedule": {"every": "PT1S"},
                 "guard": {"maxLeavePercent": 120}, "freshness": {"attribute": "score"}, "paused": "yes"}""");
        assertThat(r.errors())
                .extracting(ProblemError::pointer)
                .contains(
                        "/key",
                        "/segment",
                        "/destination",
                        "/identity/attribute",
                        "/mapping/0/source",
                        "/mapping/1/target",
                        "/mapping/2/format",
                        "/mapping/3/source",
                        "/mode",
                        "/schedule/every",
                        "/guard/maxLeavePercent",
                        "/freshness/attribute",
                        "/paused");
        assertThat(r.definition()).isNull();
        assertThat(r.errors()).allSatisfy(e -> assertThat(e.message()).isNotBlank());
    }

    @Test
    void cronExpressionsAreCheckedAndComputed() {
        assertThat(CronSchedule.problem("0 6 * * *")).isEmpty();
        assertThat(CronSchedule.problem("0 0 6 * * ?")).isEmpty();
        assertThat(CronSchedule.problem("61 * * * *")).isPresent();
        assertThat(CronSchedule.problem("whenever")).get().asString().contains("five fields");
        assertThat(CronSchedule.next(
                        "0 6 * * *", Instant.parse("2026-11-28T00:00:00Z"), java.time.ZoneId.of("Asia/Tokyo")))
                .contains(Instant.parse("2026-11-28T21:00:00Z"));
    }
}
