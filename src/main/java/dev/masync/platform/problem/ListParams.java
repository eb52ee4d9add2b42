package dev.masync.platform.problem;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The query parameters of every list endpoint, read the same way: {@code limit} is a whole number from 1 to the
 * endpoint's maximum, a cursor is what the previous page returned. Anything else is a 400 problem ({@code
 * invalid_limit}, {@code invalid_cursor}) that says what to send, never JAX-RS's 404 or a 500. Resources take these
 * parameters as strings and read them here, before looking anything up.
 */
public final class ListParams {
    /** The longest cursor accepted (a learner key or an id). */
    public static final int MAX_CURSOR = 500;
    /** The page size of a list without a {@code limit}, unless the list says otherwise. */
    public static final int DEFAULT_LIMIT = 100;
    /** The largest page of a list, unless the list says otherwise. */
    public static final int MAX_LIMIT = 500;

    private static final Pattern WHOLE = Pattern.compile("\\d{1,18}");

    private ListParams() {}

    /**
     * @param raw  the {@code limit} parameter as sent; null or absent gives {@code dflt}
     * @param dflt the page size without a limit
     * @param max  the largest page
     */
    public static int limit(String raw, int dflt, int max) {
        if (raw == null) {
            return dflt;
        }
        String v = raw.trim();
        if (WHOLE.matcher(v).matches()) {
            long n = Long.parseLong(v);
            if (n >= 1 && n <= max) {
                return (int) n;
            }
        }
        throw new ApiException(
                400,
                "invalid_limit",
                "Invalid limit",
                "Query parameter 'limit' must be a whole number from 1 to " + max + " (default " + dflt + "); got '"
                        + abbreviate(raw) + "'.",
                List.of());
    }

    /** A numeric cursor (an id), or null when absent. */
    public static Long idCursor(String name, String raw) {
        if (raw == null) {
            return null;
        }
        String v = raw.trim();
        if (WHOLE.matcher(v).matches()) {
            long n = Long.parseLong(v);
            if (n >= 1) {
                return n;
            }
        }
        throw invalidCursor(name, raw, "a positive whole number");
    }

    /** A textual cursor (a key), or null when absent. */
    public static String keyCursor(String name, String raw) {
        if (raw == null) {
            return null;
        }
        if (raw.isEmpty() || raw.length() > MAX_CURSOR || raw.chars().anyMatch(Character::isISOControl)) {
            throw invalidCursor(name, raw, "a key from the previous page (at most " + MAX_CURSOR + " characters)");
        }
        return raw;
    }

    /** 400 {@code invalid_cursor}. */
    public static ApiException invalidCursor(String name, String raw, String expected) {
        return new ApiException(
                400,
                "invalid_cursor",
                "Invalid cursor",
                "Query parameter '" + name + "' must be " + expected + ", as the previous page returned it; got '"
                        + abbreviate(raw) + "'. Leave it out for the first page.",
                List.of());
    }

    private static String abbreviate(String s) {
        String printable = s.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
    }
}
