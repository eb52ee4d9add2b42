package dev.masync.platform;

import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ListParams;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code cursor} of every list: an opaque token for a position in the list's order, base64url (no padding) of a
 * versioned text {@code "1" + kind + ":" + value}, where kind {@code i} is a whole-number position (an id, a version)
 * and {@code k} a textual one (a key). Clients pass back what {@link Page#nextCursor()} gave them; anything else is a
 * 400 {@code invalid_cursor}. The version lets the encoding change later while old cursors are still read.
 *
 * <p>Lists that took a raw {@code before} or {@code after} parameter before the envelope was unified keep accepting it
 * as a deprecated alias with its old meaning (the raw id or key), so that scripts keep working.
 */
public final class Cursors {
    /** The query parameter every list takes. */
    public static final String PARAM = "cursor";

    private static final String ID = "1i:";
    private static final String KEY = "1k:";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Cursors() {}

    /** A cursor after (or before) this whole-number position. */
    public static String ofId(long id) {
        return encode(ID + id);
    }

    /** A cursor after this key. */
    public static String ofKey(String key) {
        return encode(KEY + key);
    }

    /**
     * The whole-number position of a list paged by id or version.
     *
     * @param cursor      the {@code cursor} parameter as sent, or null
     * @param aliasName   the deprecated parameter this list took before ({@code before} or {@code after}), or null
     * @param aliasValue  its value as sent (a raw id), or null
     * @return the position, or null for the first page
     */
    public static Long id(String cursor, String aliasName, String aliasValue) {
        if (aliasValue != null && cursor == null) {
            return ListParams.idCursor(aliasName, aliasValue);
        }
        onlyOne(cursor, aliasName, aliasValue);
        if (cursor == null) {
            return null;
        }
        String text = decode(cursor);
        if (text != null && text.startsWith(ID)) {
            String digits = text.substring(ID.length());
            if (digits.matches("\\d{1,18}")) {
                return Long.parseLong(digits);
            }
        }
        throw invalid(cursor);
    }

    /** The key position of a list paged by key; see {@link #id}. */
    public static String key(String cursor, String aliasName, String aliasValue) {
        if (aliasValue != null && cursor == null) {
            return ListParams.keyCursor(aliasName, aliasValue);
        }
        onlyOne(cursor, aliasName, aliasValue);
        if (cursor == null) {
            return null;
        }
        String text = decode(cursor);
        if (text != null && text.startsWith(KEY) && text.length() > KEY.length()) {
            return text.substring(KEY.length());
        }
        throw invalid(cursor);
    }

    /**
     * A page from rows read with one row more than the page: when that extra row is there, the page's last item gives
     * the cursor of the next page.
     *
     * @param rows     at most {@code limit + 1} rows in list order
     * @param cursorOf the cursor that follows a row
     */
    public static <R, T> Page<T> page(List<R> rows, int limit, Function<R, T> view, Function<R, String> cursorOf) {
        List<R> shown = rows.size() > limit ? rows.subList(0, limit) : rows;
        String next = rows.size() > limit ? cursorOf.apply(shown.get(limit - 1)) : null;
        return new Page<>(shown.stream().map(view).toList(), next);
    }

    private static void onlyOne(String cursor, String aliasName, String aliasValue) {
        if (cursor != null && aliasValue != null) {
            throw ListParams.invalidCursor(
                    aliasName, aliasValue, "left out when 'cursor' is sent ('" + aliasName + "' is its old name)");
        }
    }

    private static String encode(String text) {
        return ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        if (cursor.isEmpty() || cursor.length() > 4 * ListParams.MAX_CURSOR) {
            return null;
        }
        try {
            return new String(DECODER.decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ApiException invalid(String cursor) {
        return ListParams.invalidCursor(PARAM, cursor, "the nextCursor of the previous page");
    }
}
