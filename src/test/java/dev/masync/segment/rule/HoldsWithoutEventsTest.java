package dev.masync.segment.rule;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which event conditions a learner without events meets: those let count and members narrow the event scan. */
class HoldsWithoutEventsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static boolean holds(String fn, String op, String value) throws Exception {
        String agg = fn.equals("count") ? "{\"fn\": \"count\"}" : "{\"fn\": \"" + fn + "\", \"attribute\": \"x\"}";
        String rule = "{\"event\": \"e\", \"aggregate\": " + agg + ", \"op\": \"" + op + "\", "
                + (op.equals("between") ? value : "\"value\": " + value) + "}";
        Parsed p = RuleParser.parse(JSON.readTree(rule), "/rule");
        assertThat(p.errors()).isEmpty();
        return SegmentCompiler.holdsWithoutEvents((Rule.EventCondition) p.rule());
    }

    @Test
    void absenceConditionsHoldWithoutEvents() throws Exception {
        assertThat(holds("count", "eq", "0")).isTrue();
        assertThat(holds("count", "lt", "1")).isTrue();
        assertThat(holds("count", "lte", "3")).isTrue();
        assertThat(holds("sum", "neq", "5")).isTrue();
        assertThat(holds("count_distinct", "between", "\"from\": 0, \"to\": 2")).isTrue();
    }

    @Test
    void presenceConditionsAndNullAggregatesDoNot() throws Exception {
        assertThat(holds("count", "gte", "5")).isFalse();
        assertThat(holds("count", "gt", "0")).isFalse();
        assertThat(holds("count", "eq", "2")).isFalse();
        assertThat(holds("count", "between", "\"from\": 1, \"to\": 2")).isFalse();
        assertThat(holds("max", "lt", "10")).isFalse();
        assertThat(holds("avg", "eq", "0")).isFalse();
    }
}
