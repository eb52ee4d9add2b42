package dev.masync.connector.http;

import okhttp3.Dns;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressPolicyTest {
    final AddressPolicy strict = AddressPolicy.publicOnly();
    final AddressPolicy loopback = new AddressPolicy(true, false);
    final AddressPolicy both = new AddressPolicy(true, true);

    @Test
    void credentialsInsideAUrlAreRefused() {
        for (String url : List.of(
                "https://user:pass@example.com/hook",
                "https://user@example.com/hook",
                "https://example.com/hook?token=abc",
                "https://example.com/hook?access_token=abc",
                "https://example.com/hook?api_key=abc",
                "https://example.com/hook?API-KEY=abc",
                "https://example.com/hook?key=abc",
                "https://example.com/hook?x=1&secret=abc",
                "https://example.com/hook?password=abc",
                "https://example.com/hook?sig=abc",
                "https://example.com/hook?code=abc")) {
            assertThat(strict.urlProblem(url))
                    .as(url)
                    .get()
                    .asString()
                    .contains("credential")
                    .doesNotContain("abc");
        }
        for (String url : List.of(
                "https://example.com/hook", "https://example.com/hook?list=vip&format=json", "http://8.8.8.8/x")) {
            assertThat(strict.urlProblem(url)).as(url).isEmpty();
        }
    }

    @Test
    void linkLocalAndMetadataAreAlwaysRefused() {
        for (String url : List.of(
                "http://169.254.169.254/latest/meta-data/",
                "http://169.254.1.1/",
                "http://[fe80::1]/",
                "http://[fd00:ec2::254]/",
                "http://metadata.google.internal/computeMetadata/v1/",
                "http://METADATA.google.internal./",
                "http://100.100.100.200/",
                "http://[::ffff:169.254.169.254]/",
                "http://224.0.0.1/")) {
            assertThat(both.urlProblem(url)).as(url).isPresent();
        }
    }

    @Test
    void loopbackAndPrivateRangesOnlyWhenAllowed() {
        for (String url : List.of(
                "http://127.0.0.1:8080/",
                "http://127.1.2.3/",
                "http://[::1]/",
                "http://localhost:9000/",
                "http://0.0.0.0/")) {
            assertThat(strict.urlProblem(url)).as(url).get().asString().contains("allow-loopback");
            assertThat(loopback.urlProblem(url)).as(url).isEmpty();
        }
        for (String url : List.of(
                "http://10.0.0.5/",
                "http://172.16.0.1/",
                "http://172.31.255.255/",
                "http://192.168.1.1/",
                "http://[fc00::1]/",
                "http://[fd12:3456::1]/",
                "http://100.64.0.1/")) {
            assertThat(loopback.urlProblem(url)).as(url).get().asString().contains("allow-private");
            assertThat(both.urlProblem(url)).as(url).isEmpty();
        }
        assertThat(strict.urlProblem("http://172.32.0.1/")).isEmpty();
    }

    @Test
    void theDnsWrapperFiltersWhatANameResolvesToAtConnectTime() throws Exception {
        Dns rebinding = host -> List.of(
                InetAddress.getByName("169.254.169.254"),
                InetAddress.getByName("10.1.1.1"),
                InetAddress.getByName("93.184.216.34"));
        assertThat(strict.dns(rebinding).lookup("hook.example.com"))
                .containsExactly(InetAddress.getByName("93.184.216.34"));
        Dns onlyBad = host -> List.of(InetAddress.getByName("169.254.169.254"));
        assertThatThrownBy(() -> both.dns(onlyBad).lookup("evil.example.com"))
                .isInstanceOf(AddressPolicy.RefusedAddressException.class)
                .hasMessageContaining("evil.example.com (169.254.169.254)")
                .hasMessageContaining("metadata");
        Dns loop = host -> List.of(InetAddress.getByName("127.0.0.1"));
        assertThatThrownBy(() -> strict.dns(loop).lookup("sneaky.example.com"))
                .isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("loopback");
        assertThat(loopback.dns(loop).lookup("sneaky.example.com")).hasSize(1);
    }
}
