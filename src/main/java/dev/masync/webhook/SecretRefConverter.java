package dev.masync.webhook;

import dev.masync.connector.spi.SecretRef;
import org.eclipse.microprofile.config.spi.Converter;

/** Reads {@code env:NAME} or {@code file:/path}; anything else fails start-up without echoing the value. */
public class SecretRefConverter implements Converter<SecretRef> {
    @Override
    public SecretRef convert(String value) {
        return SecretRef.parse(value.trim());
    }
}
