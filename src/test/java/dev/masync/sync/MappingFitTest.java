package dev.masync.sync;

import dev.masync.catalog.CatalogColumn;
import dev.masync.catalog.CatalogTable;
import dev.masync.connector.spi.Capabilities.IdentityKind;
import dev.masync.connector.spi.DestinationSchema;
import dev.masync.connector.spi.DestinationSchema.Field;
import dev.masync.connector.spi.DestinationSchema.FieldType;
import dev.masync.sync.MappingFit.Misfit;
import dev.masync.sync.MappingFit.Sent;
import dev.masync.sync.SyncDefinition.FieldMapping;
import dev.masync.sync.SyncDefinition.Format;
import dev.masync.sync.SyncDefinition.Membership;
import dev.masync.warehouse.ColumnType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules by which a sync fits a destination's schema, type pair by type pair. */
class MappingFitTest {
    static final CatalogTable LEARNERS = new CatalogTable(
            "learner_status",
            List.of(
                    new CatalogColumn("learner_id", ColumnType.STRING, null, "VARCHAR", null),
                    new CatalogColumn("email", ColumnType.STRING, null, "VARCHAR", null),
                    new CatalogColumn("plan", ColumnType.STRING, null, "VARCHAR", List.of("basic", "free", "pro")),
                    new CatalogColumn("streak_days", ColumnType.INTEGER, null, "INTEGER", null),
                    new CatalogColumn("score", ColumnType.NUMBER, null, "DOUBLE", null),
                    new CatalogColumn("email_opt_in", ColumnType.BOOLEAN, null, "BOOLEAN", null),
                    new CatalogColumn("exam_date", ColumnType.DATE, null, "DATE", null),
                    new CatalogColumn("last_active_at", ColumnType.TIMESTAMP, null, "TIMESTAMP", null),
                    new CatalogColumn("tags", ColumnType.ARRAY, ColumnType.STRING, "VARCHAR[]", null)));

    static Field field(String name, FieldType type) {
        return new Field(name, type, true, false, OptionalInt.empty(), List.of());
    }

    static Field options(String name, String... options) {
        return new Field(name, FieldType.ENUMERATION, true, false, OptionalInt.empty(), List.of(options));
    }

    static DestinationSchema schema(Field... fields) {
        Map<String, Field> byName = new LinkedHashMap<>();
        for (Field f : fields) byName.put(f.name(), f);
        return new DestinationSchema(byName);
    }

    /** Like a CRM: e-mail finds records, and a few custom fields. */
    static final DestinationSchema CRM = schema(
            new Field("email", FieldType.STRING, true, true, OptionalInt.of(254), List.of()),
            new Field("member_no", FieldType.STRING, true, true, OptionalInt.empty(), List.of()),
            field("firstname", FieldType.STRING),
            field("streak_days", FieldType.NUMBER),
            field("exam_date", FieldType.DATE),
            field("last_active", FieldType.DATETIME),
            field("opted_in", FieldType.BOOLEAN),
            field("in_segment", FieldType.BOOLEAN),
            options("plan_tier", "basic", "free"),
            options("tier", "vip", "regular"),
            new Field("grade", FieldType.STRING, true, false, OptionalInt.of(3), List.of()),
            new Field("lifecycle_stage", FieldType.STRING, false, false, OptionalInt.empty(), List.of()),
            field("score_text", FieldType.STRING));

    static SyncDefinition sync(List<FieldMapping> mapping, SyncDefinition.Identity identity, Membership membership) {
        return new SyncDefinition(
                "crm_sync",
                "crm_sync",
                "vip",
                "crm",
                identity,
                mapping,
                Optional.ofNullable(membership),
                SyncDefinition.Mode.UPSERT,
                Optional.empty(),
                false,
                SyncDefinition.Guard.DEFAULT,
                Optional.empty(),
                java.util.OptionalLong.empty());
    }

    static final SyncDefinition.Identity BY_EMAIL = new SyncDefinition.Identity("email", "email", IdentityKind.EMAIL);

    static List<Misfit> check(FieldMapping... mapping) {
        return MappingFit.check(sync(List.of(mapping), BY_EMAIL, null), LEARNERS, CRM, "HubSpot");
    }

    static Misfit only(List<Misfit> misfits) {
        assertThat(misfits).hasSize(1);
        return misfits.get(0);
    }

    @Test
    void whatAMappingSendsFollowsTheAttributeTypeAndTheFormat() {
        Map<ColumnType, Sent> auto = new EnumMap<>(ColumnType.class);
        auto.put(ColumnType.STRING, Sent.TEXT);
        auto.put(ColumnType.INTEGER, Sent.NUMBER);
        auto.put(ColumnType.NUMBER, Sent.NUMBER);
        auto.put(ColumnType.BOOLEAN, Sent.BOOLEAN);
        auto.put(ColumnType.DATE, Sent.DATE_TEXT);
        auto.put(ColumnType.TIMESTAMP, Sent.DATETIME_TEXT);
        auto.put(ColumnType.TIMESTAMP_TZ, Sent.DATETIME_TEXT);
        auto.put(ColumnType.ARRAY, Sent.LIST);
        auto.forEach((type, sent) ->
                assertThat(MappingFit.sent(type, Format.AUTO)).as(type.name()).isEqualTo(sent));

        for (ColumnType temporal : List.of(ColumnType.DATE, ColumnType.TIMESTAMP, ColumnType.TIMESTAMP_TZ)) {
            assertThat(MappingFit.sent(temporal, Format.DATE)).isEqualTo(Sent.DATE_TEXT);
            assertThat(MappingFit.sent(temporal, Format.DATETIME)).isEqualTo(Sent.DATETIME_TEXT);
        }
        assertThat(MappingFit.sent(ColumnType.DATE, Format.EPOCH_MILLIS)).isEqualTo(Sent.EPOCH_MILLIS_MIDNIGHT);
        assertThat(MappingFit.sent(ColumnType.TIMESTAMP, Format.EPOCH_MILLIS)).isEqualTo(Sent.EPOCH_MILLIS);
        assertThat(MappingFit.sent(ColumnType.TIMESTAMP_TZ, Format.EPOCH_MILLIS))
                .isEqualTo(Sent.EPOCH_MILLIS);

        // format string sends text; a date's or a timestamp's text is still a date or a date-time
        assertThat(MappingFit.sent(ColumnType.INTEGER, Format.STRING)).isEqualTo(Sent.TEXT);
        assertThat(MappingFit.sent(ColumnType.BOOLEAN, Format.STRING)).isEqualTo(Sent.TEXT);
        assertThat(MappingFit.sent(ColumnType.ARRAY, Format.STRING)).isEqualTo(Sent.TEXT);
        assertThat(MappingFit.sent(ColumnType.DATE, Format.STRING)).isEqualTo(Sent.DATE_TEXT);
        assertThat(MappingFit.sent(ColumnType.TIMESTAMP, Format.STRING)).isEqualTo(Sent.DATETIME_TEXT);
    }

    @Test
    void eachFieldTypeTakesExactlyTheseValues() {
        Map<FieldType, Set<Sent>> takes = new EnumMap<>(FieldType.class);
        takes.put(FieldType.OTHER, EnumSet.allOf(Sent.class));
        takes.put(FieldType.STRING, EnumSet.complementOf(EnumSet.of(Sent.LIST)));
        takes.put(FieldType.NUMBER, EnumSet.of(Sent.NUMBER, Sent.EPOCH_MILLIS, Sent.EPOCH_MILLIS_MIDNIGHT));
        takes.put(FieldType.BOOLEAN, EnumSet.of(Sent.BOOLEAN));
        takes.put(FieldType.DATE, EnumSet.of(Sent.DATE_TEXT, Sent.EPOCH_MILLIS_MIDNIGHT));
        takes.put(FieldType.DATETIME, EnumSet.of(Sent.DATETIME_TEXT, Sent.EPOCH_MILLIS, Sent.EPOCH_MILLIS_MIDNIGHT));
        takes.put(FieldType.ENUMERATION, EnumSet.of(Sent.TEXT, Sent.LIST));
        assertThat(takes.keySet()).containsExactlyInAnyOrder(FieldType.values());
        List<String> wrong = new ArrayList<>();
        takes.forEach((type, accepted) -> {
            for (Sent sent : Sent.values()) {
                if (MappingFit.fits(sent, field("f", type)) != accepted.contains(sent)) {
                    wrong.add(type + " <- " + sent);
                }
            }
        });
        assertThat(wrong).isEmpty();

        // a pick-list whose options are true and false (HubSpot's checkbox) takes true/false
        assertThat(MappingFit.fits(Sent.BOOLEAN, options("f", "true", "false"))).isTrue();
        assertThat(MappingFit.fits(Sent.BOOLEAN, options("f", "True", "False"))).isTrue();
        assertThat(MappingFit.fits(Sent.BOOLEAN, options("f", "yes", "no"))).isFalse();
    }

    @Test
    void aMissingTargetIsNamedWithTheNearestFields() {
        Misfit m = only(check(new FieldMapping("streak_days", "strak_days", Format.AUTO)));
        assertThat(m.pointer()).isEqualTo("/mapping/0/target");
        assertThat(m.code()).isEqualTo("mapping_field_missing");
        assertThat(m.message()).isEqualTo("target 'strak_days' does not exist at HubSpot; did you mean 'streak_days'?");
        assertThat(m.inSync("x"))
                .isEqualTo("sync 'x': mapping[0] target 'strak_days' does not exist at HubSpot;"
                        + " did you mean 'streak_days'?");

        Misfit far = only(check(new FieldMapping("streak_days", "zzz_qqq_www", Format.AUTO)));
        assertThat(far.message()).endsWith("; create the field there or map to one that exists");
    }

    @Test
    void aReadOnlyTargetIsRefused() {
        Misfit m = only(check(new FieldMapping("plan", "lifecycle_stage", Format.AUTO)));
        assertThat(m.code()).isEqualTo("mapping_field_read_only");
        assertThat(m.message()).contains("'lifecycle_stage' is read-only at HubSpot");
    }

    @Test
    void aBooleanFieldFedAStringColumnIsRefused() {
        Misfit m = only(check(new FieldMapping("plan", "opted_in", Format.AUTO)));
        assertThat(m.code()).isEqualTo("mapping_type_mismatch");
        assertThat(m.message())
                .isEqualTo("target 'opted_in' is a boolean (checkbox) field at HubSpot, but 'plan' (string) is sent"
                        + " as text; map a boolean attribute");
        assertThat(check(new FieldMapping("email_opt_in", "opted_in", Format.AUTO)))
                .isEmpty();
        assertThat(only(check(new FieldMapping("email_opt_in", "opted_in", Format.STRING)))
                        .message())
                .endsWith("remove format: string so it goes as true/false");
    }

    @Test
    void aNumberFieldFedTextIsRefused() {
        assertThat(only(check(new FieldMapping("plan", "streak_days", Format.AUTO)))
                        .message())
                .endsWith("map a numeric attribute (integer or number)");
        assertThat(only(check(new FieldMapping("score", "streak_days", Format.STRING)))
                        .message())
                .contains("(number, format string) is sent as text")
                .endsWith("remove format: string so it goes as a number");
        assertThat(only(check(new FieldMapping("exam_date", "streak_days", Format.AUTO)))
                        .message())
                .endsWith("add format: epoch_millis to send it as milliseconds, or map it to a date field");
        assertThat(check(
                        new FieldMapping("score", "streak_days", Format.AUTO),
                        new FieldMapping("last_active_at", "score_text", Format.EPOCH_MILLIS)))
                .isEmpty();
        assertThat(check(new FieldMapping("last_active_at", "streak_days", Format.EPOCH_MILLIS)))
                .isEmpty();
    }

    @Test
    void aDateFieldFedATimestampNeedsFormatDate() {
        Misfit m = only(check(new FieldMapping("last_active_at", "exam_date", Format.AUTO)));
        assertThat(m.code()).isEqualTo("mapping_type_mismatch");
        assertThat(m.message())
                .isEqualTo("target 'exam_date' is a date field at HubSpot, but 'last_active_at' (timestamp) is sent as"
                        + " a date-time (ISO-8601); add format: date to send its day (in masync.time-zone)");
        assertThat(only(check(new FieldMapping("last_active_at", "exam_date", Format.EPOCH_MILLIS)))
                        .message())
                .endsWith("use format: date (the milliseconds of a timestamp are not a midnight)");
        assertThat(check(new FieldMapping("last_active_at", "exam_date", Format.DATE)))
                .isEmpty();
        assertThat(check(new FieldMapping("exam_date", "exam_date", Format.AUTO)))
                .isEmpty();
        assertThat(check(new FieldMapping("exam_date", "exam_date", Format.EPOCH_MILLIS)))
                .isEmpty();
        assertThat(only(check(new FieldMapping("plan", "exam_date", Format.AUTO)))
                        .message())
                .endsWith("map a date attribute, or a timestamp with format: date");
    }

    @Test
    void aDateTimeFieldTakesTimestampsAndDatesWithAFormat() {
        assertThat(check(new FieldMapping("last_active_at", "last_active", Format.AUTO)))
                .isEmpty();
        assertThat(check(new FieldMapping("exam_date", "last_active", Format.DATETIME)))
                .isEmpty();
        assertThat(only(check(new FieldMapping("exam_date", "last_active", Format.AUTO)))
                        .message())
                .endsWith("add format: datetime or epoch_millis");
        assertThat(only(check(new FieldMapping("last_active_at", "last_active", Format.DATE)))
                        .message())
                .endsWith("use format: datetime or epoch_millis (format date drops the time)");
        assertThat(only(check(new FieldMapping("streak_days", "last_active", Format.AUTO)))
                        .message())
                .endsWith("map a timestamp attribute");
    }

    @Test
    void aTextFieldTakesAnySingleValueButNotAList() {
        for (String source : List.of("plan", "streak_days", "score", "email_opt_in", "exam_date", "last_active_at")) {
            assertThat(check(new FieldMapping(source, "firstname", Format.AUTO)))
                    .as(source)
                    .isEmpty();
        }
        assertThat(only(check(new FieldMapping("tags", "firstname", Format.AUTO)))
                        .message())
                .endsWith("add format: string to send the list as text, or map it to a multi-select field");
        assertThat(check(new FieldMapping("tags", "firstname", Format.STRING))).isEmpty();
    }

    @Test
    void aPickListIsCheckedAgainstTheValuesTheCatalogKnows() {
        Misfit m = only(check(new FieldMapping("plan", "plan_tier", Format.AUTO)));
        assertThat(m.code()).isEqualTo("mapping_value_not_allowed");
        assertThat(m.message())
                .isEqualTo("target 'plan_tier' at HubSpot takes only its options ('basic', 'free'), but 'plan' also"
                        + " holds 'pro'; add them as options there or map another attribute");
        // values the catalog does not know (no knownValues) are not guessed at
        assertThat(check(new FieldMapping("email", "plan_tier", Format.AUTO))).isEmpty();
        assertThat(only(check(new FieldMapping("streak_days", "plan_tier", Format.AUTO)))
                        .message())
                .endsWith("add format: string if its options are these numbers as text");
        assertThat(check(new FieldMapping("streak_days", "plan_tier", Format.STRING)))
                .isEmpty();
        assertThat(only(check(new FieldMapping("email_opt_in", "plan_tier", Format.AUTO)))
                        .message())
                .contains("its options are 'basic', 'free'");
    }

    @Test
    void aKnownValueLongerThanTheFieldIsRefused() {
        Misfit m = only(check(new FieldMapping("plan", "grade", Format.AUTO)));
        assertThat(m.code()).isEqualTo("mapping_value_too_long");
        assertThat(m.message()).contains("holds at most 3 characters", "up to 5 (e.g. 'basic')");
    }

    @Test
    void theIdentityFieldMustExistAndFindRecords() {
        SyncDefinition typo = sync(
                List.of(new FieldMapping("plan", "firstname", Format.AUTO)),
                new SyncDefinition.Identity("email", "emial", IdentityKind.EMAIL),
                null);
        Misfit missing = only(MappingFit.check(typo, LEARNERS, CRM, "HubSpot"));
        assertThat(missing.pointer()).isEqualTo("/identity/field");
        assertThat(missing.code()).isEqualTo("identity_field_missing");
        assertThat(missing.message())
                .isEqualTo("identity field 'emial' does not exist at HubSpot; did you mean 'email'? (fields that can"
                        + " find records there: 'email', 'member_no')");
        assertThat(missing.inSync("x")).startsWith("sync 'x': identity field 'emial'");

        SyncDefinition byName = sync(
                List.of(new FieldMapping("plan", "score_text", Format.AUTO)),
                new SyncDefinition.Identity("email", "firstname", IdentityKind.EXTERNAL_ID),
                null);
        Misfit notUnique = only(MappingFit.check(byName, LEARNERS, CRM, "HubSpot"));
        assertThat(notUnique.code()).isEqualTo("identity_field_not_unique");
        assertThat(notUnique.message())
                .isEqualTo("identity field 'firstname' cannot find records at HubSpot (its values are not unique"
                        + " there); fields that can find records there: 'email', 'member_no'");

        Misfit none = only(MappingFit.check(
                byName,
                LEARNERS,
                schema(field("firstname", FieldType.STRING), field("score_text", FieldType.STRING)),
                "HubSpot"));
        assertThat(none.message())
                .endsWith("no field there can find records: create one with unique values (e.g. an" + " external id)");
    }

    @Test
    void aBooleanMembershipNeedsAWritableBooleanField() {
        List<FieldMapping> mapping = List.of(new FieldMapping("plan", "firstname", Format.AUTO));
        assertThat(MappingFit.check(
                        sync(mapping, BY_EMAIL, new Membership(Membership.Style.BOOLEAN, "in_segment", null)),
                        LEARNERS,
                        CRM,
                        "HubSpot"))
                .isEmpty();
        Misfit text = only(MappingFit.check(
                sync(mapping, BY_EMAIL, new Membership(Membership.Style.BOOLEAN, "score_text", null)),
                LEARNERS,
                CRM,
                "HubSpot"));
        assertThat(text.pointer()).isEqualTo("/membership/field");
        assertThat(text.code()).isEqualTo("membership_type_mismatch");
        assertThat(text.message())
                .startsWith("membership style boolean writes true or false, but 'score_text' is a text field at"
                        + " HubSpot; pick a boolean (checkbox) field");
        Misfit missing = only(MappingFit.check(
                sync(mapping, BY_EMAIL, new Membership(Membership.Style.BOOLEAN, "in_segmnt", null)),
                LEARNERS,
                CRM,
                "HubSpot"));
        assertThat(missing.code()).isEqualTo("membership_field_missing");
        assertThat(missing.message()).endsWith("did you mean 'in_segment'?");
        Misfit readOnly = only(MappingFit.check(
                sync(mapping, BY_EMAIL, new Membership(Membership.Style.BOOLEAN, "lifecycle_stage", null)),
                LEARNERS,
                CRM,
                "HubSpot"));
        assertThat(readOnly.code()).isEqualTo("membership_field_read_only");
        // a list is not a field of the record: nothing to check here
        assertThat(MappingFit.check(
                        sync(mapping, BY_EMAIL, new Membership(Membership.Style.LIST, "ILS-1", null)),
                        LEARNERS,
                        CRM,
                        "HubSpot"))
                .isEmpty();
    }

    @Test
    void aValueMembershipMustWriteAValueTheFieldTakes() {
        List<FieldMapping> mapping = List.of(new FieldMapping("plan", "firstname", Format.AUTO));
        Map<String, String> fits = Map.of(
                "tier", "vip",
                "score_text", "anything",
                "streak_days", "12.5",
                "opted_in", "true",
                "exam_date", "2026-11-02",
                "last_active", "2026-11-02T09:00:00Z");
        fits.forEach((field, value) -> assertThat(MappingFit.check(
                        sync(mapping, BY_EMAIL, new Membership(Membership.Style.VALUE, field, value)),
                        LEARNERS,
                        CRM,
                        "HubSpot"))
                .as(field + " = " + value)
                .isEmpty());
        Map<String, String> misfits = Map.of(
                "tier", "is not an option of 'tier' at HubSpot; did you mean 'vip'?",
                "grade", "has 4 characters, but 'grade' at HubSpot holds at most 3",
                "streak_days", "is not a number",
                "opted_in", "use style boolean",
                "exam_date", "use yyyy-MM-dd",
                "last_active", "is not a date-time");
        misfits.forEach((field, expected) -> {
            Misfit m = only(MappingFit.check(
                    sync(mapping, BY_EMAIL, new Membership(Membership.Style.VALUE, field, "VIP!")),
                    LEARNERS,
                    CRM,
                    "HubSpot"));
            assertThat(m.pointer()).as(field).isEqualTo("/membership/value");
            assertThat(m.code()).as(field).isEqualTo("membership_value_not_allowed");
            assertThat(m.message())
                    .as(field)
                    .startsWith("membership value 'VIP!' ")
                    .contains(expected);
        });
        Misfit far = only(MappingFit.check(
                sync(mapping, BY_EMAIL, new Membership(Membership.Style.VALUE, "tier", "gold_member")),
                LEARNERS,
                CRM,
                "HubSpot"));
        assertThat(far.message()).endsWith("its options are 'vip', 'regular'");
    }

    @Test
    void everyProblemIsReportedInDefinitionOrder() {
        SyncDefinition all = sync(
                List.of(
                        new FieldMapping("plan", "firstname", Format.AUTO),
                        new FieldMapping("plan", "opted_in", Format.AUTO),
                        new FieldMapping("streak_days", "strak_days", Format.AUTO)),
                new SyncDefinition.Identity("email", "firstname", IdentityKind.EMAIL),
                new Membership(Membership.Style.BOOLEAN, "nope", null));
        assertThat(MappingFit.check(all, LEARNERS, CRM, "HubSpot"))
                .extracting(Misfit::pointer, Misfit::code)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/mapping/1/target", "mapping_type_mismatch"),
                        org.assertj.core.groups.Tuple.tuple("/mapping/2/target", "mapping_field_missing"),
                        org.assertj.core.groups.Tuple.tuple("/identity/field", "identity_field_not_unique"),
                        org.assertj.core.groups.Tuple.tuple("/membership/field", "membership_field_missing"));
    }

    @Test
    void longListsAreCut() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) many.add("o" + i);
        assertThat(MappingFit.listed(many)).endsWith("'o9', … (12 in all)").doesNotContain("o10");
    }

    @Test
    void aDestinationThatCreatesFieldsTakesUnlistedOnesButStillChecksTheListedOnesAndTheIdentity() {
        DestinationSchema braze = new DestinationSchema(CRM.fields(), true);
        SyncDefinition sync = sync(
                List.of(
                        new FieldMapping("streak_days", "brand_new_attribute", Format.AUTO),
                        new FieldMapping("email_opt_in", "streak_days", Format.AUTO)),
                BY_EMAIL,
                new Membership(Membership.Style.BOOLEAN, "is_new_flag", null));
        assertThat(MappingFit.check(sync, LEARNERS, braze, "Braze"))
                .extracting(Misfit::code)
                .containsExactly(MappingFit.TYPE_MISMATCH);
        assertThat(MappingFit.check(sync, LEARNERS, CRM, "HubSpot"))
                .extracting(Misfit::code)
                .containsExactly(MappingFit.FIELD_MISSING, MappingFit.TYPE_MISMATCH, MappingFit.MEMBERSHIP_MISSING);
        SyncDefinition.Identity unknown = new SyncDefinition.Identity("email", "no_such_id", IdentityKind.EMAIL);
        assertThat(MappingFit.check(sync(List.of(), unknown, null), LEARNERS, braze, "Braze"))
                .extracting(Misfit::code)
                .containsExactly(MappingFit.IDENTITY_MISSING);
    }
}
