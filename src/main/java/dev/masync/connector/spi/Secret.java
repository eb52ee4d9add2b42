package dev.masync.connector.spi;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A resolved secret value. {@link #toString()} masks it so it cannot leak into logs. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The secret itself; use it, never log it. */
    public String reveal() {
        return value;
    }

    public byte[] utf8() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
