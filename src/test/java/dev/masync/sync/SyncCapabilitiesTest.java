package dev.masync.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.connector.file.FileConnector;
import dev.masync.connector.spi.Capabilities;
import dev.masync.connector.spi.Capabilities.IdentityKind;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.Capabilities.WriteMode;
import dev.masync.connector.spi.MembershipTarget;
import dev.masync.platform.problem.ProblemError;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A sync is checked against what its destination's connector declares it can do. */
class SyncCapabilitiesTest {
    /** Like a CRM: contacts by e-mail or external id, no update-only mode, membership as a checkbox or a list. */
    static final Capabilities CRM = new Capabilities(
            Set.of(IdentityKind.EMAIL, IdentityKind.EXTERNAL_ID),
            Set.of(WriteMode.UPSERT, WriteMode.MIRROR),
            Set.of(MembershipStyle.BOOLEAN, MembershipStyle.LIST));

    static final SyncDefinitionParser.Context CONTEXT =
            new SyncDefinitionParser.Context(SyncDefinitionParserTest.CATALOG, "vip"::equals, d -> switch (d) {
                case "crm" -> Optional.of(CRM);
                case "files" -> Optional.of(new FileConnector().capabilities());
                default -> Optional.empty();
            });

    static SyncDefinitionParser.Result parse(String destination, String more) throws Exception {
        return SyncDefinitionParser.parse(
                new ObjectMapper()
                        .readTree("{\"key\": \"s\", \"segment\": \"vip\", \"destination\": \"" + destination + "\", "
                                + "\"mapping\": [{\"source\": \"score\"}]" + more + "}"),
                null,
                CONTEXT);
    }

    static ProblemError only(SyncDefinitionParser.Result r) {
        assertThat(r.errors()).hasSize(1);
        return r.errors().get(0);
    }

    @Test
    void anIdentityKindTheConnectorDeclaresIsAccepted() throws Exception {
        for (String identity : new String[] {
            "{\"attribute\": \"mail\", \"field\": \"email\", \"kind\": \"email\"}",
            "{\"attribute\": \"member_no\", \"field\": \"member_no__c\", \"kind\": \"external_id\"}",
            "{\"attribute\": \"mail\", \"field\": \"ext\", \"kind\": \"EXTERNAL_ID\"}"
        }) {
            SyncDefinitionParser.Result r = parse("crm", ", \"identity\": " + identity);
            assertThat(r.errors()).as(identity).isEmpty();
        }
        SyncDefinition d = parse(
                        "crm", ", \"identity\": {\"attribute\": \"mail\", \"field\": \"email\", \"kind\": \"email\"}")
                .definition();
        assertThat(d.identity().kind()).isEqualTo(IdentityKind.EMAIL);
        assertThat(SyncJson.write(d).path("identity").path("kind").asText()).isEqualTo("email");
    }

    @Test
    void anIdentityKindTheConnectorDoesNotDeclareIsRefusedWithWhatItTakes() throws Exception {
        for (String identity : new String[] {
            "{\"attribute\": \"mail\", \"field\": \"email\"}",
            "{\"attribute\": \"mail\", \"field\": \"id\", \"kind\": \"record_id\"}",
            "{\"attribute\": \"mail\", \"field\": \"x\", \"kind\": \"any_string\"}"
        }) {
            ProblemError e = only(parse("crm", ", \"identity\": " + identity));
            assertThat(e.pointer()).as(identity).isEqualTo("/identity/kind");
            assertThat(e.message()).contains("'crm'", "email, external_id", "identity.kind");
        }
        assertThat(only(parse("crm", "")).pointer()).isEqualTo("/identity/kind"); // no identity: the learner key
    }

    @Test
    void anUnknownKindOrAnEmailFromANonStringIsRefused() throws Exception {
        ProblemError unknown = only(parse("files", ", \"identity\": {\"attribute\": \"mail\", \"kind\": \"phone\"}"));
        assertThat(unknown.pointer()).isEqualTo("/identity/kind");
        assertThat(unknown.message()).contains("any_string, email, external_id, record_id");

        ProblemError number = only(parse("crm", ", \"identity\": {\"attribute\": \"member_no\", \"kind\": \"email\"}"));
        assertThat(number.pointer()).isEqualTo("/identity/attribute");
        assertThat(number.message()).contains("string attribute");
    }

    @Test
    void aModeTheConnectorDoesNotCarryOutIsRefused() throws Exception {
        String identity = ", \"identity\": {\"attribute\": \"mail\", \"field\": \"email\", \"kind\": \"email\"}";
        assertThat(parse("crm", identity + ", \"mode\": \"mirror\"").errors()).isEmpty();
        ProblemError e = only(parse("crm", identity + ", \"mode\": \"update\""));
        assertThat(e.pointer()).isEqualTo("/mode");
        assertThat(e.message()).contains("does not support mode update", "mirror, upsert");
        ProblemError unknown = only(parse("crm", identity + ", \"mode\": \"replace\""));
        assertThat(unknown.message()).isEqualTo("use upsert, update or mirror"); // said once, not twice
    }

    @Test
    void membershipStylesAreThoseTheConnectorDeclares() throws Exception {
        String identity = ", \"identity\": {\"attribute\": \"mail\", \"field\": \"email\", \"kind\": \"email\"}";
        SyncDefinitionParser.Result list =
                parse("crm", identity + ", \"membership\": {\"style\": \"list\", \"field\": \"ILS-123\"}");
        assertThat(list.errors()).isEmpty();
        assertThat(list.definition().membershipTarget())
                .contains(new MembershipTarget(MembershipStyle.LIST, "ILS-123", null));

        ProblemError value = only(parse(
                "crm", identity + ", \"membership\": {\"style\": \"value\", \"field\": \"tier\", \"value\": \"vip\"}"));
        assertThat(value.pointer()).isEqualTo("/membership/style");
        assertThat(value.message()).contains("use one of boolean, list");

        ProblemError fileList = only(parse("files", ", \"membership\": {\"style\": \"list\", \"field\": \"l\"}"));
        assertThat(fileList.pointer()).isEqualTo("/membership/style");
        assertThat(fileList.message()).contains("boolean, value");
    }

    @Test
    void fileDestinationsTakeWhatTheyAlwaysTook() throws Exception {
        for (String more : new String[] {
            "",
            ", \"identity\": {\"attribute\": \"mail\", \"field\": \"email\"}",
            ", \"identity\": {\"attribute\": \"mail\", \"kind\": \"email\"}",
            ", \"identity\": {\"attribute\": \"member_no\", \"kind\": \"record_id\"}",
            ", \"mode\": \"update\", \"membership\": {\"style\": \"value\", \"field\": \"t\", \"value\": \"v\"}",
            ", \"mode\": \"mirror\", \"membership\": {\"style\": \"boolean\", \"field\": \"in_seg\"}"
        }) {
            assertThat(parse("files", more).errors()).as(more).isEmpty();
        }
        SyncDefinition d = parse("files", "").definition();
        assertThat(d.identity().kind()).isEqualTo(IdentityKind.ANY_STRING);
        assertThat(SyncJson.write(d).path("identity").has("kind")).isFalse(); // stored form unchanged
        assertThat(d.membershipTarget()).isEmpty();
    }
}
