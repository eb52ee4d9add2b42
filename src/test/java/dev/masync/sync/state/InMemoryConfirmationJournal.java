package dev.masync.sync.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link ConfirmationJournal} in memory, for tests; survives a "restart" of the store that shares it. */
public final class InMemoryConfirmationJournal implements ConfirmationJournal {
    private final Map<String, List<Entry>> entries = new HashMap<>();

    @Override
    public synchronized void append(String syncKey, long fromSeq, long toSeq, Collection<String> excluded) {
        entries.computeIfAbsent(syncKey, k -> new ArrayList<>()).add(new Entry(fromSeq, toSeq, List.copyOf(excluded)));
    }

    @Override
    public synchronized List<Entry> entries(String syncKey) {
        return List.copyOf(entries.getOrDefault(syncKey, List.of()));
    }

    @Override
    public synchronized void clear(String syncKey) {
        entries.remove(syncKey);
    }
}
