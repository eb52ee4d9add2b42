package dev.masync.platform.problem;

import java.util.List;

/** The checks every versioned, possibly file-managed definition (segment, destination, sync) makes before a write. */
public final class Preconditions {
    private Preconditions() {}

    /**
     * @param kind    what it is, capitalised for messages ("Segment")
     * @param ifMatch the version the client read, from {@code If-Match}; null if it sent none
     */
    public static void requireVersion(String kind, String key, int current, Integer ifMatch) {
        if (ifMatch == null) {
            throw new ApiException(
                    428,
                    "if_match_required",
                    "Precondition required",
                    "Send 'If-Match: " + current + "' (the version you read) so concurrent edits are not lost.",
                    List.of());
        }
        if (ifMatch != current) {
            throw new ApiException(
                    412,
                    "version_mismatch",
                    "Precondition failed",
                    kind + " '" + key + "' is at version " + current + ", not " + ifMatch
                            + "; GET it again and re-apply your change.",
                    List.of());
        }
    }

    /** Definitions loaded from files are changed in their file, not through REST. */
    public static void requireApiManaged(String kind, String key, String source, String sourceFile) {
        if ("file".equals(source)) {
            throw ApiException.conflict(
                    "managed_by_file",
                    kind + " '" + key + "' is managed by the file " + sourceFile
                            + "; change that file (and restart) instead.");
        }
    }
}
