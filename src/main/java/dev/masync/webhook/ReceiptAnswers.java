package dev.masync.webhook;

import jakarta.ws.rs.core.Response;

/** How a receiver answers its sender: the protocol's acknowledgement, and refusals in the protocol's error shape. */
public interface ReceiptAnswers {

    /** The delivery is stored (or was already): the sender may forget it. */
    Response accepted(Delivery delivery, WebhookInbox.Accepted accepted);

    /** The delivery is refused with the refusal's status; nothing of it was stored. */
    Response refused(WebhookRefusal refusal);
}
