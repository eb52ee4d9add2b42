package dev.masync.platform;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** "Did you mean" suggestions, shared by rule, destination-setting and destination-field checks. */
class NearNamesTest {

    @Test
    void distanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(NearNames.distance("streak_days", "streak_days")).isZero();
        assertThat(NearNames.distance("strak_days", "streak_days")).isEqualTo(1); // insertion
        assertThat(NearNames.distance("streak_dayss", "streak_days")).isEqualTo(1); // deletion
        assertThat(NearNames.distance("streek_days", "streak_days")).isEqualTo(1); // substitution
        assertThat(NearNames.distance("fromat", "format")).isEqualTo(2); // a swap is two edits
        assertThat(NearNames.distance("", "abc")).isEqualTo(3);
        assertThat(NearNames.distance("abc", "")).isEqualTo(3);
        assertThat(NearNames.distance("Email", "email")).isEqualTo(1); // case-sensitive here
    }

    @Test
    void overlongNamesAreNotCompared() {
        String longName = "a".repeat(NearNames.MAX_LENGTH + 1);
        assertThat(NearNames.distance(longName, "a")).isEqualTo(Integer.MAX_VALUE);
        assertThat(NearNames.nearest(longName, List.of(longName))).isEmpty();
        assertThat(NearNames.nearest("a", List.of(longName, "b"))).containsExactly("b");
    }

    @Test
    void nearestIgnoresCaseAndOrdersByDistanceThenName() {
        assertThat(NearNames.nearest("EMAIL", List.of("email", "mail", "phone")))
                .containsExactly("email", "mail");
        assertThat(NearNames.nearest("strak_days", List.of("streak_days", "steak_days", "streak_weeks", "plan")))
                .containsExactly("steak_days", "streak_days");
        assertThat(NearNames.nearest("abcd", List.of("abcx", "abxd", "axcd", "xbcd")))
                .as("at most three, ties by name")
                .containsExactly("abcx", "abxd", "axcd");
    }

    @Test
    void theToleranceIsAThirdOfTheNameButAtLeastTwo() {
        assertThat(NearNames.nearest("ab", List.of("xy", "xyz"))).containsExactly("xy");
        assertThat(NearNames.nearest("watch_minutes", List.of("watch_min", "watch_m"))) // 13 chars: 4 edits
                .containsExactly("watch_min");
        assertThat(NearNames.nearest("plan", List.of("grade", "prefecture"))).isEmpty();
    }

    @Test
    void didYouMeanQuotesEachSuggestion() {
        assertThat(NearNames.didYouMean("strak_days", List.of("streak_days", "plan")))
                .isEqualTo("did you mean 'streak_days'?");
        assertThat(NearNames.didYouMean(List.of("a", "b"))).isEqualTo("did you mean 'a' or 'b'?");
        assertThat(NearNames.didYouMean("zzz_qqq", List.of("streak_days"))).isEmpty();
        assertThatThrownBy(() -> NearNames.didYouMean(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
