package dev.masync.connector.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretPolicyTest {
    @TempDir
    Path root;

    SecretPolicy policy(Path dir) {
        return new SecretPolicy(List.of(dir), List.of("MASYNC_SECRET_"), Set.of("CRM_TOKEN"), 1024);
    }

    static final Map<String, String> ENV = Map.of(
            "MASYNC_SECRET_HOOK", "s1",
            "CRM_TOKEN", "s2",
            "QUARKUS_DATASOURCE_PASSWORD", "db-password",
            "MASYNC_SECURITY_ADMIN_API_KEY", "admin",
            "HOME", "/root",
            "MASYNC_SECRETX", "x");

    @Test
    void envReferencesOnlyToAllowedVariablesNeverTheDaemonsOwn() {
        SecretPolicy p = policy(root);
        SecretResolver r = p.resolver(ENV);
        assertThat(r.resolve(SecretRef.parse("env:MASYNC_SECRET_HOOK")).reveal())
                .isEqualTo("s1");
        assertThat(r.resolve(SecretRef.parse("env:CRM_TOKEN")).reveal()).isEqualTo("s2");
        for (String refused : List.of(
                "env:QUARKUS_DATASOURCE_PASSWORD",
                "env:MASYNC_SECURITY_ADMIN_API_KEY",
                "env:HOME",
                "env:MASYNC_SECRETX")) {
            SecretRef ref = SecretRef.parse(refused);
            assertThat(p.problem(ref)).as(refused).isPresent();
            assertThatThrownBy(() -> r.resolve(ref))
                    .as(refused)
                    .isInstanceOf(PermanentException.class)
                    .hasMessageNotContaining("db-password")
                    .hasMessageNotContaining("admin\"");
        }
        // even an operator who allows everything cannot hand out the control DB's password
        SecretPolicy open = new SecretPolicy(List.of(), List.of(""), Set.of("QUARKUS_DATASOURCE_PASSWORD"), 10);
        assertThat(open.problem(SecretRef.parse("env:QUARKUS_DATASOURCE_PASSWORD")))
                .get()
                .asString()
                .contains("daemon's own settings");
    }

    @Test
    void fileReferencesOnlyToRegularFilesInsideTheSecretDirectories() throws Exception {
        Path dir = Files.createDirectories(root.resolve("secrets"));
        Path outside = Files.writeString(root.resolve("outside"), "leaked");
        Files.writeString(dir.resolve("hook"), "s3cret\n");
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("escape"), outside);
        Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
        Files.createSymbolicLink(dir.resolve("inside-link"), dir.resolve("hook"));
        Files.write(dir.resolve("big"), new byte[2048]);
        SecretPolicy p = policy(dir);
        SecretResolver r = p.resolver(Map.of());

        assertThat(r.resolve(SecretRef.parse("file:" + dir.resolve("hook"))).reveal())
                .isEqualTo("s3cret");
        assertThat(r.resolve(SecretRef.parse("file:" + dir.resolve("inside-link")))
                        .reveal())
                .isEqualTo("s3cret");

        // refused by the reference alone (at save time)
        for (String ref : List.of(
                "file:/dev/zero",
                "file:/proc/self/environ",
                "file:" + outside,
                "file:" + dir + "/../outside",
                "file:" + dir,
                "file:relative/path")) {
            assertThat(p.problem(SecretRef.parse(ref))).as(ref).isPresent();
            assertThatThrownBy(() -> r.resolve(SecretRef.parse(ref))).as(ref).isInstanceOf(PermanentException.class);
        }
        // refused when resolved: what the file system holds then
        for (String name : List.of("escape", "zero", "sub", "big", "missing")) {
            SecretRef ref = SecretRef.parse("file:" + dir.resolve(name));
            assertThat(p.problem(ref)).as(name).isEmpty();
            assertThatThrownBy(() -> r.resolve(ref))
                    .as(name)
                    .isInstanceOf(PermanentException.class)
                    .hasMessageNotContaining("leaked");
        }
    }

    @Test
    void theUnconfinedResolverOfToolsStillRefusesDevicesAndHugeFiles() throws Exception {
        SecretResolver any = SecretResolver.fromEnvironment(Map.of());
        assertThatThrownBy(() -> any.resolve(SecretRef.parse("file:/dev/zero"))).isInstanceOf(PermanentException.class);
        Path big = Files.write(root.resolve("big"), new byte[70 * 1024]);
        assertThatThrownBy(() -> any.resolve(SecretRef.parse("file:" + big))).isInstanceOf(PermanentException.class);
    }
}
