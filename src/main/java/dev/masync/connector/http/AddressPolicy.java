package dev.masync.connector.http;

import okhttp3.Dns;
import okhttp3.HttpUrl;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which destination addresses the daemon may call, so that a destination definition cannot turn it against the
 * network it runs in (cloud metadata, the control DB, the cluster's services), and which URLs may not carry
 * credentials (credentials are secret references, never part of a stored URL).
 * <ul>
 *   <li>always refused: link-local ({@code 169.254.0.0/16}, {@code fe80::/10}), cloud metadata
 *       ({@code 169.254.169.254}, {@code fd00:ec2::254}, {@code metadata.google.internal}), multicast;</li>
 *   <li>refused unless {@code allowLoopback}: {@code 127.0.0.0/8}, {@code ::1}, {@code 0.0.0.0}, {@code ::},
 *       {@code localhost};</li>
 *   <li>refused unless {@code allowPrivate}: {@code 10.0.0.0/8}, {@code 172.16.0.0/12}, {@code 192.168.0.0/16},
 *       {@code 100.64.0.0/10}, {@code fc00::/7}.</li>
 * </ul>
 * {@link #urlProblem} checks a URL when a destination is saved (a literal address, a known name); {@link #dns} checks
 * every address a name resolves to when a connection is made, since DNS may answer differently later.
 */
public record AddressPolicy(boolean allowLoopback, boolean allowPrivate) {
    /** Query parameters that hold credentials; compared without case, '-' and '_'. */
    static final Set<String> CREDENTIAL_PARAMETERS = Set.of(
            "token",
            "accesstoken",
            "apikey",
            "key",
            "secret",
            "clientsecret",
            "password",
            "passwd",
            "pwd",
            "sig",
            "signature",
            "auth",
            "authorization",
            "code",
            "sessionid",
            "xapikey",
            "hapikey");

    static final Set<String> METADATA_NAMES = Set.of(
            "metadata.google.internal", "metadata", "metadata.goog", "instance-data", "instance-data.ec2.internal");

    /** A host whose addresses the policy refuses: a configuration error, never retried. */
    public static final class RefusedAddressException extends UnknownHostException {
        public RefusedAddressException(String message) {
            super(message);
        }
    }

    /** Only public addresses: the production default. */
    public static AddressPolicy publicOnly() {
        return new AddressPolicy(false, false);
    }

    /** Why the daemon must not call this URL; empty when it may. Never quotes a credential. */
    public Optional<String> urlProblem(String text) {
        HttpUrl url = text == null ? null : HttpUrl.parse(text);
        if (url == null) {
            return Optional.of("set url to the receiver's http(s) address");
        }
        if (!url.username().isEmpty() || !url.password().isEmpty()) {
            return Optional.of("the URL holds a user name or password: credentials are never stored in a URL; remove"
                    + " them and reference the secret in the connector's secret setting");
        }
        for (String name : url.queryParameterNames()) {
            String normal = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
            if (CREDENTIAL_PARAMETERS.contains(normal)) {
                return Optional.of("the URL's query parameter '" + name + "' looks like a credential: credentials are"
                        + " never stored in a URL; remove it and reference the secret in the connector's secret"
                        + " setting");
            }
        }
        return hostProblem(url.host());
    }

    /** Why the daemon must not call this host (a name or a literal address), judged without DNS. */
    public Optional<String> hostProblem(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (METADATA_NAMES.contains(h)) {
            return Optional.of(host + " is a cloud metadata service; destinations can never call it");
        }
        if ((h.equals("localhost") || h.endsWith(".localhost")) && !allowLoopback) {
            return Optional.of(host + " is this machine (loopback); the operator has not allowed loopback addresses"
                    + " (masync.connectors.http.allow-loopback)");
        }
        Optional<InetAddress> literal = literal(h);
        return literal.flatMap(a -> addressProblem(host, a));
    }

    /** Why the daemon must not connect to this address (of {@code host}); empty when it may. */
    public Optional<String> addressProblem(String host, InetAddress a) {
        String what = host.equals(a.getHostAddress()) ? host : host + " (" + a.getHostAddress() + ")";
        if (isMetadata(a)) {
            return Optional.of(what + " is a cloud metadata address; destinations can never call it");
        }
        if (a.isLinkLocalAddress()) {
            return Optional.of(what + " is a link-local address; destinations can never call it");
        }
        if (a.isMulticastAddress()) {
            return Optional.of(what + " is a multicast address; use the receiver's own address");
        }
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return allowLoopback
                    ? Optional.empty()
                    : Optional.of(what + " is this machine (loopback); the operator has not allowed loopback"
                            + " addresses (masync.connectors.http.allow-loopback)");
        }
        if (isPrivate(a)) {
            return allowPrivate
                    ? Optional.empty()
                    : Optional.of(what + " is a private network address; the operator has not allowed private"
                            + " addresses (masync.connectors.http.allow-private)");
        }
        return Optional.empty();
    }

    /** A resolver that drops refused addresses, and fails when none is left (checked at every connection). */
    public Dns dns(Dns delegate) {
        Objects.requireNonNull(delegate, "delegate");
        return hostname -> {
            Optional<String> named = hostProblem(hostname);
            if (named.isPresent()) throw new RefusedAddressException(named.get());
            List<InetAddress> all = delegate.lookup(hostname);
            List<InetAddress> allowed = all.stream()
                    .filter(a -> addressProblem(hostname, a).isEmpty())
                    .toList();
            if (allowed.isEmpty() && !all.isEmpty()) {
                throw new RefusedAddressException(
                        addressProblem(hostname, all.get(0)).orElseThrow());
            }
            return allowed;
        };
    }

    private static boolean isMetadata(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return (b[0] & 0xff) == 169 && (b[1] & 0xff) == 254 && (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254
                    || (b[0] & 0xff) == 100 && (b[1] & 0xff) == 100 && (b[2] & 0xff) == 100 && (b[3] & 0xff) == 200;
        }
        // fd00:ec2::254 (AWS IMDS over IPv6)
        return a instanceof Inet6Address
                && (b[0] & 0xff) == 0xfd
                && b[1] == 0
                && (b[2] & 0xff) == 0x0e
                && (b[3] & 0xff) == 0xc2
                && java.util.stream.IntStream.range(4, 14).allMatch(i -> b[i] == 0)
                && (b[14] & 0xff) == 0x02
                && (b[15] & 0xff) == 0x54;
    }

    private static boolean isPrivate(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return a.isSiteLocalAddress() || (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64/10 (CGNAT)
        }
        return (b[0] & 0xfe) == 0xfc || a.isSiteLocalAddress(); // fc00::/7, deprecated fec0::/10
    }

    /** The address a literal host denotes (IPv4 dotted or IPv6, as HttpUrl canonicalises them); never DNS. */
    private static Optional<InetAddress> literal(String host) {
        boolean v4 = host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = host.contains(":") && host.matches("[0-9a-f:.]+");
        if (!v4 && !v6) return Optional.empty();
        try {
            return Optional.of(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
