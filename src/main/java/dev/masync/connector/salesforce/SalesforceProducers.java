package dev.masync.connector.salesforce;

import dev.masync.connector.ConnectorsConfig;
import dev.masync.connector.http.AddressPolicy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import okhttp3.OkHttpClient;

import java.time.Clock;

/** Makes the Salesforce connector a CDI bean (found by {@link dev.masync.connector.Connectors}). */
public class SalesforceProducers {

    @Produces
    @Singleton
    SalesforceConnector salesforceConnector(OkHttpClient client, Clock clock, ConnectorsConfig config) {
        ConnectorsConfig.Http http = config.http();
        return new SalesforceConnector(
                client,
                clock,
                SalesforceConnector.Options.of(
                        new AddressPolicy(http.allowLoopback(), http.allowPrivate()),
                        http.callTimeout(),
                        http.maxResponseBytes()));
    }
}
