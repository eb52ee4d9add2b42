package dev.masync.webhook.salesforce;

import dev.masync.webhook.DedupKeys;
import dev.masync.webhook.InboundEvent;
import dev.masync.webhook.WebhookRefusal;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Salesforce Outbound Message (SOAP 1.1 {@code notifications}): the organization and up to 100 notifications,
 * each an sObject whose {@code Id} is the record id and whose other filled fields are identities. Outbound Messages do
 * not say whether a record was created or edited, so every notification is a {@link InboundEvent.Kind#CHANGED}
 * ("re-evaluate this record"); the dedup key is the notification {@code Id}.
 */
public record OutboundMessage(String organizationId, List<InboundEvent> events) {
    public static final String SOURCE = "salesforce";
    public static final int MAX_NOTIFICATIONS = 100;
    static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String OM_NS = "http://soap.sforce.com/2005/09/outbound";
    static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

    public OutboundMessage {
        Objects.requireNonNull(organizationId, "organizationId");
        events = List.copyOf(events);
    }

    /** Parses a body (safely, see {@link SafeXml}); 400 when it is not XML or not an Outbound Message. */
    public static OutboundMessage parse(byte[] body, Instant receivedAt) {
        Document doc = SafeXml.parse(body);
        Element envelope = doc.getDocumentElement();
        if (!is(envelope, SOAP_NS, "Envelope")) {
            throw invalid("the root element is not a SOAP 1.1 Envelope");
        }
        Element soapBody = child(envelope, SOAP_NS, "Body");
        Element notifications = soapBody == null ? null : child(soapBody, OM_NS, "notifications");
        if (notifications == null) {
            throw invalid("the SOAP Body holds no notifications element of " + OM_NS);
        }
        String org = childText(notifications, OM_NS, "OrganizationId");
        if (org == null || org.isBlank()) {
            throw invalid("OrganizationId is missing");
        }
        List<Element> items = children(notifications, OM_NS, "Notification");
        if (items.size() > MAX_NOTIFICATIONS) {
            throw invalid("it has " + items.size() + " notifications; Salesforce sends at most " + MAX_NOTIFICATIONS);
        }
        List<InboundEvent> events = new ArrayList<>();
        for (Element n : items) {
            events.add(event(org.trim(), n, receivedAt));
        }
        return new OutboundMessage(org.trim(), events);
    }

    private static InboundEvent event(String org, Element notification, Instant receivedAt) {
        String id = childText(notification, OM_NS, "Id");
        if (id == null || id.isBlank()) {
            throw invalid("a Notification has no Id");
        }
        Element sObject = child(notification, OM_NS, "sObject");
        if (sObject == null) {
            throw invalid("Notification " + id.trim() + " has no sObject");
        }
        String type = sObject.getAttributeNS(XSI_NS, "type");
        String objectType = type.isBlank() ? "sObject" : type.substring(type.indexOf(':') + 1);
        Map<String, String> fields = new LinkedHashMap<>();
        for (Node c = sObject.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element field
                    && !"true".equals(field.getAttributeNS(XSI_NS, "nil"))
                    && children(field).isEmpty()) {
                fields.put(field.getLocalName(), field.getTextContent().trim());
            }
        }
        String recordId = fields.remove("Id");
        Instant occurredAt = receivedAt;
        String modified = fields.get("LastModifiedDate");
        if (modified != null) {
            try {
                occurredAt = Instant.parse(modified);
            } catch (DateTimeParseException e) {
                occurredAt = receivedAt;
            }
        }
        return new InboundEvent(
                SOURCE,
                Optional.of(org),
                DedupKeys.of(id.trim()),
                InboundEvent.Kind.CHANGED,
                objectType,
                Optional.ofNullable(recordId).filter(s -> !s.isBlank()),
                fields,
                Optional.empty(),
                Optional.empty(),
                occurredAt,
                SafeXml.text(notification));
    }

    private static boolean is(Element e, String ns, String name) {
        return e != null && ns.equals(e.getNamespaceURI()) && name.equals(e.getLocalName());
    }

    private static Element child(Element parent, String ns, String name) {
        List<Element> found = children(parent, ns, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String ns, String name) {
        return children(parent).stream().filter(e -> is(e, ns, name)).toList();
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    private static String childText(Element parent, String ns, String name) {
        Element e = child(parent, ns, name);
        return e == null ? null : e.getTextContent();
    }

    private static WebhookRefusal invalid(String what) {
        return WebhookRefusal.badRequest(
                "invalid_payload", "The body is not a Salesforce Outbound Message: " + what + ".");
    }
}
