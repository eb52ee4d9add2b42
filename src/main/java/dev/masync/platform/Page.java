package dev.masync.platform;

import java.util.List;
import java.util.Objects;

/**
 * The one envelope of every collection the API lists: {@code {"items": [...], "nextCursor": "..."}}. Pass
 * {@code nextCursor} as the {@code cursor} query parameter for the next page; it is null on the last page. Cursors are
 * opaque to clients (see {@link Cursors}); {@code limit} sets the page size.
 */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
    }

    /** A page that is the whole collection. */
    public static <T> Page<T> of(List<T> items) {
        return new Page<>(items, null);
    }
}
