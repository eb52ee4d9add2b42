package dev.masync.platform;

import dev.masync.platform.problem.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorsTest {

    @Test
    void idsAndKeysSurviveTheRoundTripAndAreUrlSafe() {
        for (long id : new long[] {1, 72, 999_999_999_999_999_999L}) {
            String c = Cursors.ofId(id);
            assertThat(c).matches("[A-Za-z0-9_-]+");
            assertThat(Cursors.id(c, null, null)).isEqualTo(id);
        }
        for (String key : List.of("L0042", "a/b?c=d&e", "日本語のキー", "x".repeat(500))) {
            String c = Cursors.ofKey(key);
            assertThat(c).matches("[A-Za-z0-9_-]+");
            assertThat(Cursors.key(c, null, null)).isEqualTo(key);
        }
        assertThat(Cursors.id(null, "before", null)).isNull();
        assertThat(Cursors.key(null, "after", null)).isNull();
    }

    @Test
    void aCursorOfOneKindIsNotTheOther() {
        assertThat(invalid(() -> Cursors.id(Cursors.ofKey("L1"), null, null))).contains("'cursor'");
        assertThat(invalid(() -> Cursors.key(Cursors.ofId(5), null, null))).contains("'cursor'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "1", "%%", "MWk6eA", "MWs6", "MWk6LTE", "MWk6OTk5OTk5OTk5OTk5OTk5OTk5OQ"})
    void anythingButAPreviousPagesCursorIsInvalidCursor(String raw) {
        assertThat(invalid(() -> Cursors.id(raw, null, null))).contains("nextCursor");
        assertThat(invalid(() -> Cursors.key(raw, null, null))).contains("nextCursor");
    }

    @Test
    void theOldParameterNamesTakeTheRawPositionButNotBesideACursor() {
        assertThat(Cursors.id(null, "before", "72")).isEqualTo(72L);
        assertThat(Cursors.key(null, "after", "L0042")).isEqualTo("L0042");
        assertThat(invalid(() -> Cursors.id(null, "before", "x"))).contains("'before'");
        assertThat(invalid(() -> Cursors.id(Cursors.ofId(3), "before", "72"))).contains("'before'");
        assertThat(invalid(() -> Cursors.key(Cursors.ofKey("a"), "after", "b"))).contains("'after'");
    }

    @Test
    void aPageReadsOneRowMoreThanItShows() {
        Page<String> more = Cursors.page(List.of(1L, 2L, 3L), 2, String::valueOf, Cursors::ofId);
        assertThat(more.items()).containsExactly("1", "2");
        assertThat(Cursors.id(more.nextCursor(), null, null)).isEqualTo(2L);
        Page<String> last = Cursors.page(List.of(1L, 2L), 2, String::valueOf, Cursors::ofId);
        assertThat(last.items()).containsExactly("1", "2");
        assertThat(last.nextCursor()).isNull();
    }

    private static String invalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        ApiException[] caught = new ApiException[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> caught[0] = e);
        assertThat(caught[0].status()).isEqualTo(400);
        assertThat(caught[0].toProblem().code()).isEqualTo("invalid_cursor");
        return caught[0].toProblem().detail();
    }
}
