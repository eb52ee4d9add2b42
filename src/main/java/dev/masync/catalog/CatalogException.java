package dev.masync.catalog;

/** The warehouse cannot serve as a catalog (e.g. the learners table is missing); the message says how to fix it. */
public class CatalogException extends RuntimeException {
    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
