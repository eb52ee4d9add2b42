package dev.masync.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.sync.run.RunColumns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A cron faster than the minimum interval is refused like {@code every}; the one truncation of run columns. */
class CronMinimumTest {
    static final Duration MIN = SyncDefinitionParser.MIN_INTERVAL;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "* * * * * ?", // every second
                "*/5 * * * * ?", // every 5 s
                "0/9 * * * * ?", // 9 s
                "0,1 0 6 * * ?", // two firings a second apart
                "0,59 * * * * ?", // 59 s then 1 s across the minute
                "0,5 * * ? * MON-FRI", // day fields do not help
                "* * * * * ? 2099"
            })
    void aCronFiringCloserThanTheMinimumIsRefused(String cron) {
        assertThat(CronSchedule.problem(cron, MIN)).get().asString().contains("apart", "10s");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "*/15 * * * *",
                "* * * * *",
                "0 6 * * *",
                "0/10 * * * * ?",
                "0/30 * * * * ?",
                "0 0 6 * * ?",
                "0,30 * * * * ?",
                "50 59 * * * ?",
                "55 59,0 * * * ?" // 60 s apart across the hour
            })
    void aCronAtLeastTheMinimumApartIsAccepted(String cron) {
        assertThat(CronSchedule.problem(cron, MIN)).isEmpty();
    }

    @Test
    void theParserRefusesAFastCronWithAPointer() throws Exception {
        var body = new ObjectMapper().readTree("{\"schedule\": {\"cron\": \"*/2 * * * * ?\"}}");
        assertThat(SyncDefinitionParser.scheduleOf(body)).isEmpty();
        var ok = new ObjectMapper().readTree("{\"schedule\": {\"cron\": \"0 */2 * * * ?\"}}");
        assertThat(SyncDefinitionParser.scheduleOf(ok)).isPresent();
        var every = new ObjectMapper().readTree("{\"schedule\": {\"every\": \"PT5S\"}}");
        assertThat(SyncDefinitionParser.scheduleOf(every)).isEmpty();
    }

    @Test
    void textIsCutToItsColumnWithoutSplittingACharacter() {
        assertThat(RunColumns.truncate(null, 10)).isNull();
        assertThat(RunColumns.truncate("short", 10)).isEqualTo("short");
        assertThat(RunColumns.truncate("x".repeat(5000), RunColumns.REASON))
                .hasSize(RunColumns.REASON)
                .endsWith("…");
        String emoji = "a".repeat(8) + "😀😀"; // surrogate pairs straddling the cut
        String cut = RunColumns.truncate(emoji, 10);
        assertThat(cut.length()).isLessThanOrEqualTo(10);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
        assertThat(RunColumns.truncate("é".repeat(3000), RunColumns.MESSAGE)).hasSize(RunColumns.MESSAGE);
    }

    @Test
    void samplesKeepFewerEntriesUntilTheyFitAndStayJson() throws Exception {
        Map<String, Object> big = Map.of("value", "v".repeat(30_000));
        String json = RunColumns.samplesJson(Map.of("entering", List.of(big, big, big, big, big, big, big, big)));
        assertThat(json.length()).isLessThanOrEqualTo(RunColumns.SAMPLES);
        assertThat(new ObjectMapper().readTree(json).get("entering").size()).isBetween(1, 6);
        Map<String, Object> huge = Map.of("value", "v".repeat(300_000));
        assertThat(RunColumns.samplesJson(Map.of("entering", List.of(huge)))).isNull();
        assertThat(RunColumns.samplesJson(Map.of("entering", List.of(Map.of("k", "v")))))
                .contains("\"k\"");
    }
}
