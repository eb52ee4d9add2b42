package dev.masync.connector.marketo;

import dev.masync.connector.ConnectorsConfig;
import dev.masync.connector.http.AddressPolicy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import okhttp3.OkHttpClient;

import java.time.Clock;

/** Makes the Marketo connector a CDI bean (found by {@link dev.masync.connector.Connectors}). */
public class MarketoProducers {

    @Produces
    @Singleton
    MarketoConnector marketoConnector(OkHttpClient client, Clock clock, ConnectorsConfig config) {
        ConnectorsConfig.Http http = config.http();
        return new MarketoConnector(
                client,
                clock,
                MarketoConnector.Options.of(
                        new AddressPolicy(http.allowLoopback(), http.allowPrivate()),
                        http.callTimeout(),
                        http.maxResponseBytes()));
    }
}
