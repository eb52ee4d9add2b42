package dev.masync.connector.hubspot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * HubSpot record ids of contacts by their key ({@code email} or a unique property), as learned from upsert results
 * and batch reads, so that list membership and updates need no read for records this daemon wrote. Bounded (least
 * recently used entries go first) and only a hint: a miss is looked up again, and an id HubSpot no longer knows is
 * forgotten. Thread-safe.
 */
final class RecordIds {
    private final Map<String, String> ids;

    RecordIds(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
        this.ids = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
    }

    Optional<String> get(String account, String idProperty, String key) {
        synchronized (ids) {
            return Optional.ofNullable(ids.get(entry(account, idProperty, key)));
        }
    }

    void put(String account, String idProperty, String key, String recordId) {
        synchronized (ids) {
            ids.put(entry(account, idProperty, key), recordId);
        }
    }

    void forget(String account, String idProperty, String key) {
        synchronized (ids) {
            ids.remove(entry(account, idProperty, key));
        }
    }

    int size() {
        synchronized (ids) {
            return ids.size();
        }
    }

    private static String entry(String account, String idProperty, String key) {
        return account + '\u0001' + idProperty + '\u0001' + key;
    }
}
