package dev.masync.connector;

import dev.masync.connector.file.FileConnector;
import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.NoDelaySocketFactory;
import dev.masync.connector.spi.SecretPolicy;
import dev.masync.connector.spi.SecretResolver;
import dev.masync.connector.webhook.WebhookConnector;
import dev.masync.platform.MasyncConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import okhttp3.OkHttpClient;

import javax.net.SocketFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Makes the plain-Java connectors CDI beans of type {@link dev.masync.connector.spi.Destination}, which is how
 * {@link Connectors} finds them. A new connector adds one producer method here (or its own producer class in its
 * package); nothing else lists connectors.
 */
public class ConnectorProducers {

    /** The one HTTP client: connection pool and dispatcher shared by every HTTP connector. */
    @Produces
    @Singleton
    OkHttpClient httpClient(ConnectorsConfig config) {
        return httpClient(config.http().connectTimeout(), config.http().readTimeout());
    }

    static OkHttpClient httpClient(Duration connectTimeout, Duration readTimeout) {
        return new OkHttpClient.Builder()
                .socketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()))
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .writeTimeout(readTimeout)
                .build();
    }

    void closeHttpClient(@Disposes OkHttpClient client) {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /** Which secret references are allowed (masync.secrets.*). */
    @Produces
    @Singleton
    SecretPolicy secretPolicy(SecretsConfig secrets, MasyncConfig masync) {
        List<Path> dirs = secrets.dirs()
                .orElseGet(() -> List.of(
                        Path.of("/var/run/secrets/masync"),
                        Path.of("/etc/masync/secrets"),
                        masync.dataDir().resolve("secrets")));
        return new SecretPolicy(dirs, secrets.envPrefixes(), secrets.envNames().orElse(Set.of()), secrets.maxBytes());
    }

    /**
     * Environment variables and files the policy allows, read at push time so rotated secrets apply without a
     * restart.
     */
    @Produces
    @Singleton
    SecretResolver secretResolver(SecretPolicy policy) {
        return policy.resolver(System.getenv());
    }

    /** Destinations without {@code dir} write to {@code ${masync.data-dir}/outbox}. */
    @Produces
    @Singleton
    FileConnector fileConnector(MasyncConfig masync) {
        return new FileConnector(masync.dataDir().resolve("outbox"));
    }

    @Produces
    @Singleton
    WebhookConnector webhookConnector(OkHttpClient client, Clock clock, ConnectorsConfig config) {
        ConnectorsConfig.Http http = config.http();
        return new WebhookConnector(
                client,
                clock,
                new WebhookConnector.Options(
                        new AddressPolicy(http.allowLoopback(), http.allowPrivate()),
                        http.callTimeout(),
                        http.maxResponseBytes()));
    }
}
