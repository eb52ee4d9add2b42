package dev.masync.webhook.salesforce;

import dev.masync.webhook.InboundEvent;
import dev.masync.webhook.WebhookRefusal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing Outbound Messages, and the XML a hostile sender may try (entities, DTDs, external references). */
class OutboundMessageTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    static String notification(String id, String fields) {
        return "<Notification><Id>" + id + "</Id>"
                + "<sObject xsi:type=\"sf:Contact\" xmlns:sf=\"urn:sobject.enterprise.soap.sforce.com\""
                + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" + fields + "</sObject></Notification>";
    }

    static String message(String org, String notifications) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
                + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"
                + "<notifications xmlns=\"http://soap.sforce.com/2005/09/outbound\">"
                + "<OrganizationId>" + org + "</OrganizationId><ActionId>04k5g000000ABCDAA2</ActionId>"
                + "<SessionId xsi:nil=\"true\"/>"
                + "<EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/62.0/00D5g0000012345</EnterpriseUrl>"
                + "<PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/62.0/00D5g0000012345</PartnerUrl>"
                + notifications + "</notifications></soapenv:Body></soapenv:Envelope>";
    }

    static OutboundMessage parse(String xml) {
        return OutboundMessage.parse(xml.getBytes(StandardCharsets.UTF_8), NOW);
    }

    @Test
    void readsEachNotificationAsAnEventOfTheOrganization() {
        OutboundMessage m = parse(message(
                "00D5g0000012345EAA",
                notification(
                                "04l5g00000XyZ12AAB",
                                "<sf:Id>0035g00000AbCdEAAA</sf:Id><sf:Email>ada@example.com</sf:Email>"
                                        + "<sf:Learner_Id__c>L42</sf:Learner_Id__c><sf:Phone xsi:nil=\"true\"/>"
                                        + "<sf:LastModifiedDate>2026-12-01T09:58:00.000Z</sf:LastModifiedDate>")
                        + notification("04l5g00000XyZ13AAB", "<sf:Id>0035g00000AbCdFAAA</sf:Id>")));

        assertThat(m.organizationId()).isEqualTo("00D5g0000012345EAA");
        assertThat(m.events()).hasSize(2);
        InboundEvent e = m.events().get(0);
        assertThat(e.source()).isEqualTo("salesforce");
        assertThat(e.account()).contains("00D5g0000012345EAA");
        assertThat(e.dedupKey()).isEqualTo("04l5g00000XyZ12AAB");
        assertThat(e.kind()).isEqualTo(InboundEvent.Kind.CHANGED);
        assertThat(e.objectType()).isEqualTo("Contact");
        assertThat(e.objectId()).contains("0035g00000AbCdEAAA");
        assertThat(e.identities())
                .containsEntry("Email", "ada@example.com")
                .containsEntry("Learner_Id__c", "L42")
                .doesNotContainKeys("Id", "Phone");
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2026-12-01T09:58:00Z"));
        assertThat(e.payload())
                .contains("04l5g00000XyZ12AAB", "ada@example.com")
                .doesNotContain("<?xml");
        assertThat(m.events().get(1).occurredAt()).isEqualTo(NOW);
    }

    @Test
    void acceptsAHundredNotificationsAndRefusesMore() {
        StringBuilder hundred = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            hundred.append(notification("04l" + i, "<sf:Id>003" + i + "</sf:Id>"));
        }
        assertThat(parse(message("00D5g0000012345EAA", hundred.toString())).events())
                .hasSize(100);
        assertRefused(
                message("00D5g0000012345EAA", hundred + notification("04lX", "<sf:Id>003X</sf:Id>")),
                "invalid_payload");
    }

    @Test
    void refusesEntityExpansion() {
        String billionLaughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
                + message("00D5g0000012345EAA", notification("04l1", "<sf:Email>&lol3;</sf:Email>"))
                        .replaceFirst("<\\?xml[^>]*>\n", "");
        assertRefused(billionLaughs, "xml_doctype_not_allowed");
    }

    @Test
    void refusesExternalEntitiesAndDtds() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + message("00D5g0000012345EAA", notification("04l1", "<sf:Email>&xxe;</sf:Email>"))
                        .replaceFirst("<\\?xml[^>]*>\n", "");
        assertRefused(xxe, "xml_doctype_not_allowed");
        String externalDtd = "<!DOCTYPE x SYSTEM \"http://127.0.0.1:1/evil.dtd\">"
                + message("00D5g0000012345EAA", "").replaceFirst("<\\?xml[^>]*>\n", "");
        assertRefused(externalDtd, "xml_doctype_not_allowed");
        String parameterEntity = "<!DOCTYPE x [<!ENTITY % p SYSTEM \"http://127.0.0.1:1/p\"> %p;]><x/>";
        assertRefused(parameterEntity, "xml_doctype_not_allowed");
    }

    @Test
    void refusesAnUndeclaredEntityAndXInclude() {
        assertRefused(
                message("00D5g0000012345EAA", notification("04l1", "<sf:Email>&xxe;</sf:Email>")), "malformed_xml");
        OutboundMessage m = parse(
                message(
                        "00D5g0000012345EAA",
                        notification(
                                "04l1",
                                "<sf:Id>1</sf:Id><sf:Email><xi:include"
                                        + " xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file:///etc/passwd\"/></sf:Email>")));
        assertThat(m.events().get(0).identities()).doesNotContainKey("Email");
        assertThat(m.events().get(0).payload()).doesNotContain("root:");
    }

    @Test
    void refusesWhatIsNotAnOutboundMessage() {
        assertRefused("<soapenv:Envelope", "malformed_xml");
        assertRefused("", "malformed_xml");
        assertRefused("{\"json\": true}", "malformed_xml");
        assertRefused("<Envelope/>", "invalid_payload");
        assertRefused(message("", ""), "invalid_payload");
        assertRefused(message("00D5g0000012345EAA", "<Notification><Id>1</Id></Notification>"), "invalid_payload");
        assertRefused(message("00D5g0000012345EAA", notification("", "<sf:Id>1</sf:Id>")), "invalid_payload");
    }

    static void assertRefused(String xml, String code) {
        assertThatThrownBy(() -> parse(xml)).as(xml).isInstanceOfSatisfying(WebhookRefusal.class, r -> {
            assertThat(r.code()).isEqualTo(code);
            assertThat(r.status()).isEqualTo(400);
        });
    }
}
