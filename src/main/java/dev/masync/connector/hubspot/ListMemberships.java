package dev.masync.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masync.connector.spi.PermanentException;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Adds contacts to and removes them from a HubSpot list through the v3 Lists API ({@code PUT
 * .../lists/{listId}/memberships/add-and-remove}), by record id, at most {@code listIdsPerCall} ids per call. The
 * list is named by its ILS {@code listId} (the v1 lists API and its legacy ids are gone). Adding a member twice or
 * removing a non-member changes nothing, so a replay is safe. A record id HubSpot reports missing is forgotten; an
 * addition it reports missing is rejected (the contact was deleted or merged since its id was learned).
 */
final class ListMemberships {
    private static final Pattern LIST_ID = Pattern.compile("[0-9]{1,20}");

    private final HubSpotCalls calls;
    private final RecordIds ids;
    private final String account;
    private final String idProperty;
    private final int idsPerCall;

    ListMemberships(HubSpotCalls calls, RecordIds ids, String account, String idProperty, int idsPerCall) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.account = Objects.requireNonNull(account, "account");
        this.idProperty = Objects.requireNonNull(idProperty, "idProperty");
        if (idsPerCall < 1) throw new IllegalArgumentException("idsPerCall must be positive");
        this.idsPerCall = idsPerCall;
    }

    /** Whether {@code name} can be a list id; the sync's membership field must hold one. */
    static boolean isListId(String name) {
        return LIST_ID.matcher(name).matches();
    }

    /**
     * Adds {@code add} and removes {@code remove} (targets with record ids). Confirms each target handled; rejects
     * additions HubSpot reports missing.
     */
    void apply(String listId, List<ContactTarget> add, List<ContactTarget> remove) {
        if (!isListId(listId)) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "the sync's membership list '" + listId + "' is not a HubSpot list id: set membership.field to the"
                            + " list's ILS listId (a number shown in the list's URL), not its name or legacy id");
        }
        int a = 0;
        int r = 0;
        while (a < add.size() || r < remove.size()) {
            int room = idsPerCall;
            List<ContactTarget> addPart = add.subList(a, Math.min(add.size(), a + room));
            room -= addPart.size();
            List<ContactTarget> removePart = remove.subList(r, Math.min(remove.size(), r + room));
            a += addPart.size();
            r += removePart.size();
            call(listId, addPart, removePart);
        }
    }

    private void call(String listId, List<ContactTarget> add, List<ContactTarget> remove) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode toAdd = body.putArray("recordIdsToAdd");
        ArrayNode toRemove = body.putArray("recordIdsToRemove");
        Set<String> seen = new HashSet<>();
        add.stream().map(t -> t.recordId).filter(seen::add).forEach(toAdd::add);
        remove.stream().map(t -> t.recordId).filter(seen::add).forEach(toRemove::add);
        JsonNode answer;
        try {
            answer = calls.put("lists/" + listId + "/memberships/add-and-remove", body);
        } catch (PermanentException e) {
            if (e.code() != PermanentException.Code.INVALID_REQUEST) throw e;
            // record ids are not a record's fault: the list is DYNAMIC, or not a contact list
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "HubSpot refused to change the members of list " + listId + " (" + e.getMessage()
                            + "); use a MANUAL or SNAPSHOT contact list",
                    e);
        }
        Set<String> missing = new HashSet<>();
        answer.path("recordIdsMissing").forEach(id -> missing.add(id.asText()));
        for (ContactTarget t : add) {
            if (missing.contains(t.recordId)) {
                ids.forget(account, idProperty, t.key);
                t.reject(
                        "record_missing",
                        "HubSpot no longer knows contact record " + t.recordId
                                + " (deleted or merged); it is looked up again on the next run");
            }
        }
        for (ContactTarget t : remove) {
            if (missing.contains(t.recordId)) ids.forget(account, idProperty, t.key);
            t.confirmed = true; // a missing record is in no list
        }
    }
}
