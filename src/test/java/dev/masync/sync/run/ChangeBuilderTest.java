package dev.masync.sync.run;

import dev.masync.connector.spi.RecordChange;
import dev.masync.sync.SyncDefinition;
import dev.masync.sync.SyncDefinition.FieldMapping;
import dev.masync.sync.SyncDefinition.Format;
import dev.masync.sync.SyncDefinition.Membership;
import dev.masync.sync.state.ChangeRow;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeBuilderTest {
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    static SyncDefinition sync(SyncDefinition.Mode mode, Optional<Membership> membership) {
        return new SyncDefinition(
                "s",
                "s",
                "seg",
                "d",
                new SyncDefinition.Identity("email", "email"),
                List.of(
                        new FieldMapping("minutes", "mins", Format.AUTO),
                        new FieldMapping("exam", "exam", Format.DATE),
                        new FieldMapping("seen", "seen_ms", Format.EPOCH_MILLIS)),
                membership,
                mode,
                Optional.empty(),
                false,
                SyncDefinition.Guard.DEFAULT,
                Optional.empty(),
                java.util.OptionalLong.empty());
    }

    static ChangeRow row(char op, boolean all, boolean[] changed, String dk, String old) {
        return new ChangeRow(
                1,
                ChangeRow.Op.of(op),
                "L1",
                dk,
                old,
                all,
                changed,
                Arrays.asList(BigDecimal.valueOf(42), LocalDate.of(2027, 1, 16), LocalDateTime.of(2026, 11, 2, 9, 0)),
                "h");
    }

    @Test
    void aNewMemberGetsMembershipAndEveryFieldFormatted() {
        ChangeBuilder b = new ChangeBuilder(
                sync(SyncDefinition.Mode.MIRROR, Optional.of(new Membership(Membership.Style.BOOLEAN, "in_seg", null))),
                TOKYO);
        List<RecordChange> out = b.changes(row('E', true, new boolean[3], "a@x.test", null));
        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(RecordChange.Kind.UPSERT);
            assertThat(c.fields()).containsEntry("in_seg", true).hasSize(4);
        });
        assertThat(out.get(0).fields())
                .containsEntry("mins", 42L)
                .containsEntry("exam", "2027-01-16")
                .containsEntry("seen_ms", 1_793_577_600_000L);
    }

    @Test
    void aChangedMemberGetsOnlyItsChangedFields() {
        ChangeBuilder b = new ChangeBuilder(
                sync(SyncDefinition.Mode.UPDATE, Optional.of(new Membership(Membership.Style.VALUE, "campaign", "x"))),
                TOKYO);
        List<RecordChange> out = b.changes(row('C', false, new boolean[] {false, true, false}, "a@x.test", "a@x.test"));
        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(RecordChange.Kind.UPDATE);
            assertThat(c.fields()).containsExactlyEntriesOf(Map.of("exam", "2027-01-16"));
        });
    }

    @Test
    void leavingIsPropagatedOnlyInMirrorMode() {
        ChangeRow left = row('L', false, new boolean[3], null, "a@x.test");
        assertThat(new ChangeBuilder(sync(SyncDefinition.Mode.UPSERT, Optional.empty()), TOKYO).changes(left))
                .isEmpty();
        assertThat(new ChangeBuilder(sync(SyncDefinition.Mode.MIRROR, Optional.empty()), TOKYO).changes(left))
                .singleElement()
                .extracting(RecordChange::kind)
                .isEqualTo(RecordChange.Kind.REMOVE);
        RecordChange unset = new ChangeBuilder(
                        sync(
                                SyncDefinition.Mode.MIRROR,
                                Optional.of(new Membership(Membership.Style.VALUE, "campaign", "x"))),
                        TOKYO)
                .changes(left)
                .get(0);
        assertThat(unset.kind()).isEqualTo(RecordChange.Kind.UPSERT);
        assertThat(unset.fields()).containsEntry("campaign", null).hasSize(1);
    }

    @Test
    void aNewDestinationKeyLeavesTheOldRecordInMirrorMode() {
        ChangeBuilder b = new ChangeBuilder(
                sync(SyncDefinition.Mode.MIRROR, Optional.of(new Membership(Membership.Style.BOOLEAN, "in_seg", null))),
                TOKYO);
        List<RecordChange> out = b.changes(row('C', true, new boolean[3], "new@x.test", "old@x.test"));
        assertThat(out).extracting(RecordChange::destinationKey).containsExactly("old@x.test", "new@x.test");
        assertThat(out.get(0).fields()).containsExactlyEntriesOf(Map.of("in_seg", false));
    }
}
