package dev.masync.security;

import dev.masync.audit.AuditLog;
import dev.masync.audit.Secret;
import dev.masync.platform.problem.ApiException;
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

    /** Who a key belongs to; {@code keyId} is null for the configured admin key. */
    public record Principal(String name, Role role, Long keyId) {}

    /** A key just created; {@code key} is shown once and never again. */
    public record Issued(ApiKeyView stored, @Secret String key) {}

    static final String ENTITY = "api_key";

    private final SecurityConfig config;
    private final Clock clock;
    private final AuditLog audit;
    private final Optional<String> configuredAdminHash;

    ApiKeys(SecurityConfig config, Clock clock, AuditLog audit) {
        this.config = config;
        this.clock = clock;
        this.audit = audit;
        this.configuredAdminHash =
                config.adminApiKey().filter(k -> !k.isBlank()).map(ApiKeys::hash);
    }

    /** The principal a presented key stands for, if it is valid. Runs a DB query: call off the event loop. */
    public Optional<Principal> authenticate(String presented) {
        if (presented == null || presented.isBlank() || presented.length() > 512) {
            return Optional.empty();
        }
        String h = hash(presented.trim());
        if (configuredAdminHash.isPresent()
                && MessageDigest.isEqual(
                        configuredAdminHash.get().getBytes(StandardCharsets.US_ASCII),
                        h.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(new Principal("configured-admin", Role.ADMIN, null));
        }
        return QuarkusTransaction.requiringNew()
                .call(() -> ApiKey.findActiveByHash(h).map(k -> new Principal(k.name, k.role, k.id)));
    }

    /** Creates a key and audits it; the caller's transaction stores both. */
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
        ApiKeyView view = ApiKeyView.of(k);
        audit.record("api_key.create", ENTITY, k.id.toString(), null, view);
        return new Issued(view, key);
    }

    /**
     * Revokes a key at once and audits it, in the caller's transaction. Revoking a revoked key changes nothing.
     *
     * @throws ApiException {@code api_key_not_found}; {@code last_admin_key} when this is the last active admin key
     *                      and no admin key is configured, so nobody is locked out
     */
    public ApiKeyView revoke(long id) {
        ApiKey k = ApiKey.findById(id);
        if (k == null) {
            throw notFound(id);
        }
        if (k.revokedAt != null) {
            return ApiKeyView.of(k);
        }
        if (k.role == Role.ADMIN && configuredAdminHash.isEmpty() && ApiKey.lockActiveAdmins() <= 1) {
            throw ApiException.conflict(
                    "last_admin_key",
                    "API key " + id + " is the last active admin key; revoking"
                            + " it would leave nobody able to manage keys. Create another admin key first (POST"
                            + " /api/v1/api-keys with role 'admin') or configure masync.security.admin-api-key, then revoke"
                            + " this one.");
        }
        ApiKeyView before = ApiKeyView.of(k);
        k.revokedAt = clock.instant();
        ApiKeyView after = ApiKeyView.of(k);
        audit.record("api_key.revoke", ENTITY, k.id.toString(), before, after);
        return after;
    }

    static ApiException notFound(long id) {
        return ApiException.notFound(
                "api_key_not_found", "No API key with id " + id + "; GET /api/v1/api-keys lists them.");
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
            LOG.warnf(
                    "%n%n  Generated the first admin API key (shown once, stored only as a hash):%n%n    %s%n%n"
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
