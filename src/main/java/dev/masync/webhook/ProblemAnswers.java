package dev.masync.webhook;

import dev.masync.platform.problem.Problem;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON senders' answers: 200 with counts ({@code received}, {@code stored}, {@code duplicates}, {@code ignored}), and
 * refusals as {@code application/problem+json} with the refusal's stable code.
 */
public final class ProblemAnswers implements ReceiptAnswers {
    public static final ProblemAnswers INSTANCE = new ProblemAnswers();

    private ProblemAnswers() {}

    @Override
    public Response accepted(Delivery delivery, WebhookInbox.Accepted accepted) {
        Map<String, Integer> body = new LinkedHashMap<>();
        body.put("received", delivery.events().size() + delivery.ignored());
        body.put("stored", accepted.stored());
        body.put("duplicates", accepted.duplicates());
        body.put("ignored", delivery.ignored());
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @Override
    public Response refused(WebhookRefusal refusal) {
        return Response.status(refusal.status())
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(
                        refusal.status(), refusal.code(), title(refusal.status()), refusal.getMessage(), List.of()))
                .build();
    }

    static String title(int status) {
        Response.Status s = Response.Status.fromStatusCode(status);
        return s == null ? "Refused" : s.getReasonPhrase();
    }
}
