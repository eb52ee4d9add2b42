package dev.masync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masync.connector.Connectors;
import dev.masync.connector.spi.ListCapacity;
import dev.masync.destination.DestinationDefinition;
import dev.masync.destination.DestinationService;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ProblemError;
import dev.masync.sync.SyncDefinition.Membership;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * When a sync with list membership is saved (API or file): for a connector that keeps such membership in a bounded
 * field of each record ({@link ListCapacity}), its item must not be one another sync of the destination writes to the
 * same field, and must fit beside the items of those syncs. Refused with 422 naming the other syncs.
 */
@ApplicationScoped
public class ListCapacityCheck {
    /** The field holds no more items: the other syncs are named. */
    public static final String LIST_FULL = "membership_list_full";
    /** Another sync writes the same item to the same field. */
    public static final String ITEM_TAKEN = "membership_item_taken";

    private static final int NAMED = 30;

    private final DestinationService destinations;
    private final Connectors connectors;

    ListCapacityCheck(DestinationService destinations, Connectors connectors) {
        this.destinations = destinations;
        this.connectors = connectors;
    }

    /**
     * @throws ApiException 422 {@value #LIST_FULL} or {@value #ITEM_TAKEN} at {@code /membership}
     */
    public void atSave(SyncDefinition sync) {
        Optional<Membership> membership = sync.membership().filter(m -> m.style() == Membership.Style.LIST);
        if (membership.isEmpty()) return;
        Optional<DestinationDefinition> destination = destinations.find(sync.destination());
        if (destination.isEmpty()) return; // the definition's own check says so
        DestinationDefinition d = destination.get();
        if (!(connectors.byType(d.type()).orElse(null) instanceof ListCapacity capacity)) return;
        String field = membership.get().field();
        OptionalInt max = capacity.itemsPerRecord(d.settings(), field);
        if (max.isEmpty()) return;

        Map<String, List<String>> syncsByItem =
                QuarkusTransaction.joiningExisting().call(() -> others(sync, d, field));
        String item = item(membership.get().value(), sync.key());
        List<String> sharing = syncsByItem.get(item);
        if (sharing != null) {
            throw refused(
                    "/membership/value",
                    ITEM_TAKEN,
                    "sync(s) " + quoted(sharing) + " already keep membership as '" + item + "' in '" + field + "' of"
                            + " destination '" + d.key() + "'; each sync needs its own item there (a leaver of one"
                            + " would leave the other): set membership.value to another item, e.g. '" + sync.key()
                            + "'");
        }
        if (syncsByItem.size() >= max.getAsInt()) {
            List<String> others =
                    syncsByItem.values().stream().flatMap(List::stream).sorted().toList();
            throw refused(
                    "/membership/field",
                    LIST_FULL,
                    "'" + field + "' of destination '" + d.key() + "' holds at most " + max.getAsInt() + " items per"
                            + " record and " + syncsByItem.size() + " sync(s) already keep membership there ("
                            + quoted(others) + "); a learner in all of them would lose the oldest item. Use another"
                            + " field for this sync, remove one of those syncs, or raise the array's maximum length in"
                            + " the destination (and its arrayMaxLength setting) if the vendor allows");
        }
    }

    private static Map<String, List<String>> others(SyncDefinition sync, DestinationDefinition d, String field) {
        Map<String, List<String>> out = new TreeMap<>();
        for (SyncEntity e : SyncEntity.<SyncEntity>list("destinationKey", d.key())) {
            if (e.key.equals(sync.key())) continue;
            JsonNode m = SyncJson.read(e.definitionJson).path("membership");
            if (!m.path("style").asText().equals("list")
                    || !m.path("field").asText().equals(field)) continue;
            String value = m.path("value").isTextual() ? m.path("value").asText() : null;
            out.computeIfAbsent(item(value, e.key), k -> new ArrayList<>()).add(e.key);
        }
        return out;
    }

    /** A sync's item: its membership value, else its key ({@link ListCapacity}). */
    static String item(String value, String syncKey) {
        return value == null || value.isBlank() ? syncKey : value;
    }

    private static String quoted(List<String> keys) {
        List<String> shown = keys.size() > NAMED ? keys.subList(0, NAMED) : keys;
        String text = "'" + String.join("', '", shown) + "'";
        return keys.size() > NAMED ? text + " and " + (keys.size() - NAMED) + " more" : text;
    }

    private static ApiException refused(String pointer, String code, String message) {
        return ApiException.invalid(
                "The sync's list membership does not fit beside the destination's other syncs; see errors.",
                List.of(new ProblemError(pointer, message, code)));
    }
}
