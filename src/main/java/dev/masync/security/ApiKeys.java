package dev.masync.security;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Issues and checks API keys. Keys are 256-bit random tokens, so a fast SHA-256 is enough to store them safely;
 * the clear key exists only in the response that creates it.
 */
@ApplicationScoped
public class ApiKeys {
    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String PREFIX = "msk_";

    /** Who a key belongs to. */
    public record Principal(String name, Role role) {
    }

    /** A key just created; {@code key} is shown once and never again. */
    public record Issued(ApiKey stored, String key) {
    }

    private final SecurityConfig config;
    private final Clock clock;
    private final Optional<String> configuredAdminHash;

    ApiKeys(SecurityConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.configuredAdminHash = config.adminApiKey().filter(k -> !k.isBlank()).map(ApiKeys::hash);
    }

    /** The principal a presented key stands for, if it is valid. Runs a DB query: call off the event loop. */
    public Optional<Principal> authenticate(String presented) {
        if (presented == null || presented.isBlank() || presented.length() > 512) {
            return Optional.empty();
        }
        String h = hash(presented.trim());
        if (configuredAdminHash.isPresent()
                && MessageDigest.isEqual(configuredAdminHash.get().getBytes(StandardCharsets.US_ASCII),
                h.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(new Principal("configured-admin", Role.ADMIN));
        }
        return QuarkusTransaction.requiringNew().call(() -> ApiKey.findActiveByHash(h)
                .map(k -> new Principal(k.name, k.role)));
    }

    /** Creates a key; the caller's transaction stores it. */
    public Issued create(String name, Role role, String createdBy) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ApiKey k = new ApiKey();
        k.name = name;
        k.role = role;
        k.keyHash = hash(key);
        k.keyPrefix = key.substring(0, 10);
        k.createdAt = clock.instant();
        k.createdBy = createdBy;
        k.persist();
        return new Issued(k, key);
    }

    /**
     * On first start without a configured admin key and without any stored admin key, generates one and prints it
     * once. Returns the generated key (for tests), if any.
     */
    public Optional<String> bootstrapAdminKey() {
        if (configuredAdminHash.isPresent() || !config.generateAdminKey()) {
            return Optional.empty();
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            if (ApiKey.countActiveAdmins() > 0) {
                return Optional.<String>empty();
            }
            Issued issued = create("bootstrap-admin", Role.ADMIN, "ma-sync");
            LOG.warnf("%n%n  Generated the first admin API key (shown once, stored only as a hash):%n%n    %s%n%n"
                    + "  Use it as 'Authorization: Bearer <key>'. Create more keys with POST /api/v1/api-keys.%n",
                    issued.key());
            return Optional.of(issued.key());
        });
    }

    static String hash(String key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
