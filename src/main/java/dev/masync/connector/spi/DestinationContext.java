package dev.masync.connector.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a push may use besides the batch: the destination's validated settings and a way to resolve the
 * secrets those settings reference, and the call budget of the account it writes to.
 *
 * @param calls the shared budget of the destination's account ({@link RateLimited}); {@link CallBudget#UNLIMITED}
 *              for connectors without one
 */
public record DestinationContext(
        String destinationName, Map<String, String> settings, SecretResolver secrets, CallBudget calls) {
    public DestinationContext {
        Objects.requireNonNull(destinationName, "destinationName");
        settings = Map.copyOf(Objects.requireNonNull(settings, "settings"));
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(calls, "calls");
    }

    /** A context without a call budget. */
    public DestinationContext(String destinationName, Map<String, String> settings, SecretResolver secrets) {
        this(destinationName, settings, secrets, CallBudget.UNLIMITED);
    }

    /** This context with the account's call budget. */
    public DestinationContext withCalls(CallBudget budget) {
        return new DestinationContext(destinationName, settings, secrets, budget);
    }

    public Optional<String> setting(String name) {
        return Optional.ofNullable(settings.get(name));
    }

    /** A required setting; a missing one is a configuration error. */
    public String requiredSetting(String name) {
        return setting(name)
                .orElseThrow(() -> new PermanentException(
                        PermanentException.Code.INVALID_CONFIG,
                        "destination " + destinationName + " has no setting '" + name + "'"));
    }

    /** Resolves the {@link SecretRef} held by the named setting. */
    public Secret secret(String settingName) {
        return secrets.resolve(SecretRef.parse(requiredSetting(settingName)));
    }
}
