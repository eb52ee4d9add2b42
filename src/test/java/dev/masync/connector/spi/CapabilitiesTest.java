package dev.masync.connector.spi;

import dev.masync.connector.file.FileConnector;
import dev.masync.connector.spi.Capabilities.IdentityKind;
import dev.masync.connector.spi.Capabilities.MembershipStyle;
import dev.masync.connector.spi.Capabilities.WriteMode;
import dev.masync.connector.webhook.WebhookConnector;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CapabilitiesTest {

    @Test
    void anyStringIdentityTakesEveryKind() {
        Capabilities any = Capabilities.FIELDS_BY_ANY_KEY;
        for (IdentityKind kind : IdentityKind.values())
            assertThat(any.identifiesBy(kind)).isTrue();
        Capabilities byEmail =
                new Capabilities(Set.of(IdentityKind.EMAIL), Set.of(WriteMode.UPSERT), Set.of(MembershipStyle.LIST));
        assertThat(byEmail.identifiesBy(IdentityKind.EMAIL)).isTrue();
        assertThat(byEmail.identifiesBy(IdentityKind.EXTERNAL_ID)).isFalse();
        assertThat(byEmail.identifiesBy(IdentityKind.ANY_STRING)).isFalse();
        assertThat(byEmail.supports(WriteMode.MIRROR)).isFalse();
        assertThat(byEmail.supports(MembershipStyle.LIST)).isTrue();
    }

    @Test
    void capabilitiesAreImmutableAndNeverEmptyWhereThatMeansNothingWorks() {
        Set<WriteMode> modes = new HashSet<>(Set.of(WriteMode.UPSERT));
        Capabilities c = new Capabilities(Set.of(IdentityKind.EMAIL), modes, Set.of());
        modes.add(WriteMode.MIRROR);
        assertThat(c.modes()).containsExactly(WriteMode.UPSERT);
        assertThatThrownBy(() -> c.modes().add(WriteMode.UPDATE)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(c.membershipStyles()).isEmpty(); // a connector may show no membership
        assertThatThrownBy(() -> new Capabilities(Set.of(), Set.of(WriteMode.UPSERT), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Capabilities(Set.of(IdentityKind.EMAIL), Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Capabilities.names(EnumSet.of(IdentityKind.RECORD_ID, IdentityKind.EMAIL)))
                .isEqualTo("email, record_id");
    }

    @Test
    void fileAndWebhookConnectorsDeclareWhatTheSyncServiceUsedToAssume() {
        for (Destination connector :
                List.of(new FileConnector(), new WebhookConnector(new OkHttpClient(), Clock.systemUTC()))) {
            Capabilities c = connector.capabilities();
            assertThat(c.identityKinds()).as(connector.type()).containsExactly(IdentityKind.ANY_STRING);
            assertThat(c.modes()).as(connector.type()).containsExactlyInAnyOrder(WriteMode.values());
            assertThat(c.membershipStyles())
                    .as(connector.type())
                    .containsExactlyInAnyOrder(MembershipStyle.BOOLEAN, MembershipStyle.VALUE);
        }
    }

    @Test
    void aBatchCarriesItsMembershipTargetIntoItsParts() {
        MembershipTarget list = new MembershipTarget(MembershipStyle.LIST, "ILS-42", null);
        Batch batch = new Batch(
                "run-1",
                "s",
                List.of(RecordChange.upsert("l1", "a@x.org", Map.of()), RecordChange.remove("l2", "b@x.org")),
                Optional.of(list));
        Batch part = batch.part("run-1.1", batch.records().subList(1, 2));
        assertThat(part.membership()).contains(list);
        assertThat(part.syncKey()).isEqualTo("s");
        assertThat(part.id()).isEqualTo("run-1.1");
        assertThat(new Batch("b", "s", batch.records()).membership()).isEmpty();
        assertThatThrownBy(() -> new MembershipTarget(MembershipStyle.LIST, " ", null))
                .isInstanceOf(IllegalArgumentException.class);
        // the sync's identity field travels with the batch and its parts (a CRM upserts by it)
        assertThat(part.identityField()).isEmpty();
        Batch keyed = new Batch("k", "s", batch.records(), Optional.of(list), Optional.of("learner_id"));
        assertThat(keyed.part("k.0", keyed.records().subList(0, 1)).identityField())
                .contains("learner_id");
        assertThatThrownBy(() -> new Batch("k", "s", batch.records(), Optional.empty(), Optional.of(" ")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
