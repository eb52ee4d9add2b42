package dev.masync.sync.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link ConfirmationJournal} in memory, for tests; survives a "restart" of the store that shares it. */
public final class InMemoryConfirmationJournal implements ConfirmationJournal {
    private final Map<String, List<Entry>> entries = new HashMap<>();
    private final Map<String, Long> owners = new HashMap<>();

    @Override
    public synchronized long claim(String stateKey, long run) {
        Long previous = owners.put(stateKey, run);
        return previous == null ? 0 : previous;
    }

    @Override
    public synchronized long owner(String stateKey) {
        return owners.getOrDefault(stateKey, 0L);
    }

    @Override
    public synchronized void append(
            String stateKey, long run, Kind kind, long fromSeq, long toSeq, Collection<String> excluded) {
        if (owner(stateKey) != run) {
            throw new StateFencedException(stateKey, run, owner(stateKey));
        }
        entries.computeIfAbsent(stateKey, k -> new ArrayList<>())
                .add(new Entry(run, kind, fromSeq, toSeq, List.copyOf(excluded)));
    }

    @Override
    public synchronized List<Entry> entries(String stateKey) {
        return List.copyOf(entries.getOrDefault(stateKey, List.of()));
    }

    @Override
    public synchronized void clear(String stateKey) {
        entries.remove(stateKey);
    }

    @Override
    public synchronized void forget(String stateKey) {
        entries.remove(stateKey);
        owners.remove(stateKey);
    }
}
