package dev.masync.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Dedup keys within the inbox's 200 characters: longer ones become {@code sha256:<hex>} of themselves. */
public final class DedupKeys {
    public static final int MAX = 200;

    private DedupKeys() {}

    public static String of(String raw) {
        if (raw.length() <= MAX) {
            return raw;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
