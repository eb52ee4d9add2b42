package dev.masync.connector.hubspot;

import dev.masync.connector.ConnectorsConfig;
import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.RedactingLogInterceptor;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import okhttp3.OkHttpClient;

import java.time.Clock;

/** Makes {@link HubSpotConnector} a CDI bean (a {@code Destination} the connector registry finds). */
public class HubSpotProducers {

    @Produces
    @Singleton
    HubSpotConnector hubSpotConnector(OkHttpClient client, Clock clock, ConnectorsConfig config) {
        ConnectorsConfig.Http http = config.http();
        return new HubSpotConnector(
                client,
                clock,
                new HubSpotConnector.Options(
                        new AddressPolicy(http.allowLoopback(), http.allowPrivate()),
                        http.callTimeout(),
                        http.maxResponseBytes(),
                        200_000,
                        new RedactingLogInterceptor()));
    }
}
