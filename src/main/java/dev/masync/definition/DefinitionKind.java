package dev.masync.definition;

import dev.masync.platform.problem.ApiException;
import jakarta.ws.rs.core.EntityTag;

import java.util.List;
import java.util.Objects;

/**
 * What a kind of definition is called, for codes, messages and the audit log.
 *
 * @param name  lower case, singular: {@code segment}; codes are {@code <name>_not_found}, {@code <name>_exists}
 * @param title capitalised for messages: {@code Segment}
 * @param path  the REST collection: {@code /api/v1/segments}
 */
public record DefinitionKind(String name, String title, String path) {
    public DefinitionKind {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(path, "path");
    }

    public ApiException notFound(String key) {
        return ApiException.notFound(
                name + "_not_found", "No " + name + " '" + key + "'; GET " + path + " lists them.");
    }

    /** 409: the key is taken, by a definition managed through the API or by {@code sourceFile}. */
    public ApiException exists(String key, String sourceFile) {
        return ApiException.conflict(
                name + "_exists",
                "A " + name + " '" + key + "' exists already"
                        + (sourceFile == null
                                ? "; PUT " + path + "/" + key + " changes it."
                                : ", managed by " + sourceFile + "."));
    }

    /** 409: a file names a key that the API manages. */
    public ApiException managedByApi(String key) {
        return ApiException.conflict(
                name + "_exists",
                name + " '" + key + "' is managed through the API; rename the file's key or delete the API " + name);
    }

    /** 412: another write won between the read and this write. */
    public ApiException changedMeanwhile(String key) {
        return new ApiException(
                412,
                "version_mismatch",
                "Precondition failed",
                title + " '" + key + "' was changed by another request meanwhile; GET it again and re-apply your"
                        + " change.",
                List.of());
    }

    /**
     * The version an {@code If-Match} header names: accepts {@code 3}, {@code "3"} and {@code W/"3"}; null without
     * the header; 400 {@code invalid_if_match} otherwise.
     */
    public Integer ifMatch(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String v = header.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        try {
            return Integer.parseInt(v.replace("\"", ""));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(
                    "invalid_if_match",
                    "If-Match must be the " + name + "'s version as returned in its ETag, e.g. If-Match: \"3\".");
        }
    }

    /** The {@code ETag} of a version. */
    public static EntityTag etag(int version) {
        return new EntityTag(String.valueOf(version));
    }
}
