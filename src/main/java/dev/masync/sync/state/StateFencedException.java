package dev.masync.sync.state;

/**
 * A run wrote to a sync's state after another run took it over (the first one lost its lease): nothing was written.
 * The run must stop; the new owner repairs whatever the first one left.
 */
public final class StateFencedException extends IllegalStateException {
    public StateFencedException(String stateKey, long run, long owner) {
        super("run " + run + " no longer owns the state of " + stateKey + " (run " + owner + " took it over, probably"
                + " because the lease was lost); nothing was written");
    }
}
