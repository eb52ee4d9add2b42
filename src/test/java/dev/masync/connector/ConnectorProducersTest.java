package dev.masync.connector;

import dev.masync.connector.http.NoDelaySocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import javax.net.SocketFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectorProducersTest {

    @Test
    void sharedClientTurnsNagleOffOnItsConnections() throws Exception {
        List<Boolean> noDelay = new ArrayList<>();
        OkHttpClient client = ConnectorProducers.httpClient(Duration.ofSeconds(10), Duration.ofSeconds(30))
                .newBuilder()
                .eventListener(new EventListener() {
                    @Override
                    public void connectionAcquired(Call call, Connection connection) {
                        try {
                            noDelay.add(connection.socket().getTcpNoDelay());
                        } catch (java.net.SocketException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                })
                .build();
        try (MockWebServer server = new MockWebServer()) {
            server.start();
            server.enqueue(new MockResponse.Builder().code(204).build());
            try (Response response = client.newCall(
                            new Request.Builder().url(server.url("/")).build())
                    .execute()) {
                assertThat(response.code()).isEqualTo(204);
            }
        }
        assertThat(noDelay).containsExactly(true);
    }

    @Test
    void sharedClientHasTheConfiguredTimeouts() {
        OkHttpClient client = ConnectorProducers.httpClient(Duration.ofSeconds(3), Duration.ofSeconds(7));

        assertThat(client.connectTimeoutMillis()).isEqualTo(3_000);
        assertThat(client.readTimeoutMillis()).isEqualTo(7_000);
        assertThat(client.writeTimeoutMillis()).isEqualTo(7_000);
        assertThat(client.socketFactory()).isInstanceOf(NoDelaySocketFactory.class);
    }

    @Test
    void everyKindOfSocketFromTheFactoryHasNoDelay() throws Exception {
        SocketFactory factory = new NoDelaySocketFactory(SocketFactory.getDefault());
        try (ServerSocket server = new ServerSocket(0)) {
            int port = server.getLocalPort();
            try (Socket unconnected = factory.createSocket();
                    Socket byName = factory.createSocket("127.0.0.1", port);
                    Socket byAddress = factory.createSocket(server.getInetAddress(), port)) {
                unconnected.connect(server.getLocalSocketAddress());
                assertThat(unconnected.getTcpNoDelay()).isTrue();
                assertThat(byName.getTcpNoDelay()).isTrue();
                assertThat(byAddress.getTcpNoDelay()).isTrue();
            }
        }
    }
}
