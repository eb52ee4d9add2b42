package dev.masync.platform;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The one source of "now"; tests replace it instead of sleeping. */
public class ClockProducer {

    @Produces
    @Singleton
    Clock clock(MasyncConfig config) {
        return Clock.system(config.timeZone());
    }
}
