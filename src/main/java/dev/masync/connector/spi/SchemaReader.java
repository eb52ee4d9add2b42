package dev.masync.connector.spi;

/**
 * An optional ability: a connector that can read which fields records have at a destination (HubSpot contact
 * properties, a Salesforce describe). The application uses it to check a sync's mapping when the sync is saved and
 * when the destination is tested, so a field that does not exist or cannot take the mapped value is refused in words
 * a user can act on instead of failing every record at push time.
 *
 * <p>Reads only; never changes anything. Same failures as {@link Probe}.
 */
@FunctionalInterface
public interface SchemaReader {

    /**
     * @throws PermanentException when the schema cannot be read until someone acts (auth, scopes)
     * @throws RetryableException when it could not be read right now
     */
    DestinationSchema schema(DestinationContext context);
}
