package dev.masync.connector.spi;

import java.util.Optional;

/**
 * An optional ability: a connector whose vendor limits calls per account (HubSpot's 10-second and daily limits,
 * Salesforce's 24-hour allocation and concurrency). Every destination writing to the same {@link #account account}
 * shares one budget, across syncs and across daemon replicas; the connector takes a permit from
 * {@link DestinationContext#calls()} before every vendor call it makes and reports what the vendor said about its
 * limits back to it.
 */
public interface RateLimited {

    /**
     * The vendor account a destination writes to, stable across restarts and replicas, e.g. {@code
     * "hubspot:portal:4711"} or {@code "salesforce:https://acme.my.salesforce.com"}. Destinations with the same
     * account share one budget. Never a secret (hash a token if nothing else identifies the account). Computed from
     * settings only; must not call the vendor.
     */
    String account(DestinationContext context);

    /** The account's limits: the vendor's documented defaults, overridden by the destination's settings. */
    RateLimits rateLimits(DestinationContext context);

    /**
     * How many vendor calls pushing {@code records} changes takes (batch caps, membership calls), for projecting a
     * run's drain time before it starts.
     */
    long callsFor(long records, Optional<MembershipTarget> membership);

    /**
     * Like {@link #callsFor(long, Optional)} for one destination, whose settings may change the count (a batch cap, a
     * bulk threshold). The engine projects with this one; by default it ignores the settings.
     */
    default long callsFor(DestinationContext context, long records, Optional<MembershipTarget> membership) {
        return callsFor(records, membership);
    }
}
