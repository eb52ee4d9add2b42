package dev.masync.connector.braze;

import dev.masync.connector.ConnectorsConfig;
import dev.masync.connector.http.AddressPolicy;
import dev.masync.connector.http.RedactingLogInterceptor;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import okhttp3.OkHttpClient;

import java.time.Clock;

/** Makes {@link BrazeConnector} a CDI bean (a {@code Destination} the connector registry finds). */
public class BrazeProducers {

    @Produces
    @Singleton
    BrazeConnector brazeConnector(OkHttpClient client, Clock clock, ConnectorsConfig config) {
        ConnectorsConfig.Http http = config.http();
        return new BrazeConnector(
                client,
                clock,
                new BrazeConnector.Options(
                        new AddressPolicy(http.allowLoopback(), http.allowPrivate()),
                        http.callTimeout(),
                        http.maxResponseBytes(),
                        new RedactingLogInterceptor()));
    }
}
