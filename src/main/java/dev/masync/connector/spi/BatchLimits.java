package dev.masync.connector.spi;

/**
 * The largest batch a destination accepts. The engine never exceeds either bound; {@code maxBytes} counts the
 * approximate serialized size of the records' keys and fields, not the vendor's envelope.
 */
public record BatchLimits(int maxRecords, long maxBytes) {
    public BatchLimits {
        if (maxRecords < 1) throw new IllegalArgumentException("maxRecords must be positive: " + maxRecords);
        if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
}
