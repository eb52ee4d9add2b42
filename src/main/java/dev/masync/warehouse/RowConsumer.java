package dev.masync.warehouse;

/** Receives streamed rows one at a time; returning {@code false} stops the query early. */
@FunctionalInterface
public interface RowConsumer {
    boolean accept(Row row) throws Exception;
}
