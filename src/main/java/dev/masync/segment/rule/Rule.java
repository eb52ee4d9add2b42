package dev.masync.segment.rule;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Objects;

/**
 * A parsed segment rule (see API.md, "Segment rules"). Every node keeps the JSON pointer of the JSON object it was
 * parsed from, so validation errors and {@link Explanation}s can point back into the request. Nodes come from
 * {@link RuleParser}; names in them are unchecked until {@link RuleValidator} has accepted the rule.
 */
public sealed interface Rule {

    /** JSON pointer (RFC 6901) of this node. */
    String pointer();

    /** Matches when every rule matches. The parser refuses an empty list (it would select every learner). */
    record All(String pointer, List<Rule> rules) implements Rule {
        public All {
            Objects.requireNonNull(pointer, "pointer");
            rules = List.copyOf(rules);
        }
    }

    /** Matches when at least one rule matches. The parser refuses an empty list (it would select nobody). */
    record Any(String pointer, List<Rule> rules) implements Rule {
        public Any {
            Objects.requireNonNull(pointer, "pointer");
            rules = List.copyOf(rules);
        }
    }

    record Not(String pointer, Rule rule) implements Rule {
        public Not {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(rule, "rule");
        }
    }

    /**
     * A condition on one column. Which operands are set depends on {@code op}: {@code value} (comparisons, string
     * matches, {@code before}/{@code after}, array {@code contains}), {@code values} ({@code in}, {@code not_in},
     * {@code contains_any}, {@code contains_all}), {@code from}/{@code to} ({@code between}, both inclusive),
     * {@code duration} (relative time operators) or none (null and boolean checks). Values are raw JSON scalars;
     * their type is checked against the column by {@link RuleValidator}.
     */
    record AttributeCondition(
            String pointer,
            String attribute,
            String op,
            JsonNode value,
            List<JsonNode> values,
            JsonNode from,
            JsonNode to,
            TimeAmount duration)
            implements Rule {
        public AttributeCondition {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(attribute, "attribute");
            Objects.requireNonNull(op, "op");
            values = values == null ? null : List.copyOf(values);
        }
    }

    /**
     * An aggregate of an event table per learner, compared with a value. Learners without matching events have a
     * {@code count}, {@code count_distinct} and {@code sum} of 0, and a NULL {@code min}, {@code max} and
     * {@code avg} (every comparison with NULL is false).
     *
     * @param where  a rule over the event table's columns, or {@code null}
     * @param window which events count by their timestamp, or {@code null} for all of them
     */
    record EventCondition(
            String pointer,
            String event,
            Rule where,
            Window window,
            Aggregate aggregate,
            String op,
            JsonNode value,
            JsonNode from,
            JsonNode to)
            implements Rule {
        public EventCondition {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(aggregate, "aggregate");
            Objects.requireNonNull(op, "op");
        }
    }

    /** Includes the learners of another saved segment; inside {@link Not} it excludes them. */
    record SegmentRef(String pointer, String segment) implements Rule {
        public SegmentRef {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(segment, "segment");
        }
    }

    /** {@code fn} is one of count, count_distinct, sum, min, max, avg; {@code attribute} is null only for count. */
    record Aggregate(String pointer, String fn, String attribute) {
        public Aggregate {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(fn, "fn");
        }
    }

    /** The events an {@link EventCondition} aggregates, by their timestamp column. */
    sealed interface Window {
        String pointer();
    }

    /** Events from asOf minus the amount up to asOf, both inclusive. */
    record WithinLast(String pointer, TimeAmount amount) implements Window {
        public WithinLast {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(amount, "amount");
        }
    }

    /** Events between two absolute times, both inclusive. */
    record Between(String pointer, JsonNode from, JsonNode to) implements Window {
        public Between {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }
}
