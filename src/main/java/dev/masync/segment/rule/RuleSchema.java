package dev.masync.segment.rule;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The rule language as the OpenAPI document shows it (documentation only: {@link RuleParser} reads rules). A rule is
 * one of: a combinator ({@code all}, {@code any}, {@code not}), an attribute condition, an event condition, or a
 * reference to a saved segment. Every field a shape does not list is refused with 422 {@code validation_failed}.
 */
@Schema(
        name = "Rule",
        description = "A segment rule: a combinator (all, any, not), an attribute condition, an event condition or a"
                + " segment reference. Operators and known values per attribute: GET /api/v1/catalog.",
        oneOf = {
            RuleSchema.All.class,
            RuleSchema.Any.class,
            RuleSchema.Not.class,
            RuleSchema.AttributeCondition.class,
            RuleSchema.EventCondition.class,
            RuleSchema.SegmentReference.class
        })
public final class RuleSchema {
    private RuleSchema() {}

    @Schema(name = "AllRule", description = "Every rule holds (at least one rule)")
    public record All(
            @Schema(required = true, minItems = 1, implementation = RuleSchema.class)
            List<RuleSchema> all) {}

    @Schema(name = "AnyRule", description = "At least one rule holds (at least one rule)")
    public record Any(
            @Schema(required = true, minItems = 1, implementation = RuleSchema.class)
            List<RuleSchema> any) {}

    @Schema(name = "NotRule", description = "The rule does not hold")
    public record Not(
            @Schema(required = true, implementation = RuleSchema.class)
            RuleSchema not) {}

    @Schema(name = "SegmentReference", description = "Members of a saved segment (not inside an event's where)")
    public record SegmentReference(
            @Schema(required = true, description = "a saved segment's key")
            String segment) {}

    @Schema(
            name = "AttributeCondition",
            description = "A condition on a learner attribute (or, inside an event's where, an event column). The"
                    + " operator decides the operand: value (eq neq lt lte gt gte contains starts_with ends_with"
                    + " before after), values (in not_in contains_any contains_all), from and to (between), duration"
                    + " (within_last before_last within_next after_next), none (is_null is_not_null is_true"
                    + " is_false).")
    public record AttributeCondition(
            @Schema(required = true, example = "grade") String attribute,

            @Schema(
                    required = true,
                    enumeration = {
                        "eq",
                        "neq",
                        "lt",
                        "lte",
                        "gt",
                        "gte",
                        "contains",
                        "starts_with",
                        "ends_with",
                        "before",
                        "after",
                        "in",
                        "not_in",
                        "contains_any",
                        "contains_all",
                        "between",
                        "within_last",
                        "before_last",
                        "within_next",
                        "after_next",
                        "is_null",
                        "is_not_null",
                        "is_true",
                        "is_false"
                    })
            String op,

            @Schema(implementation = Scalar.class) Object value,

            @Schema(type = SchemaType.ARRAY, implementation = Scalar.class)
            List<Object> values,

            @Schema(implementation = Scalar.class) Object from,
            @Schema(implementation = Scalar.class) Object to,

            @Schema(description = "an ISO-8601 duration such as P28D or PT12H", example = "P7D")
            String duration) {}

    @Schema(
            name = "EventCondition",
            description = "An aggregate of a learner's events in a window compared with a value, e.g. at least 10"
                    + " lecture views in the last 28 days")
    public record EventCondition(
            @Schema(required = true, description = "an event table of the catalog", example = "lecture_views")
            String event,

            @Schema(
                    implementation = RuleSchema.class,
                    description = "which events count: attribute conditions on the event table's columns,"
                            + " combined with all, any and not")
            RuleSchema where,

            @Schema(description = "window: an ISO-8601 duration back from asOf", example = "P28D")
            String within_last,

            @Schema(description = "window: absolute bounds (use within_last or between)")
            Between between,

            @Schema(required = true) Aggregate aggregate,

            @Schema(
                    required = true,
                    enumeration = {"eq", "neq", "lt", "lte", "gt", "gte", "between"})
            String op,

            @Schema(implementation = Scalar.class) Object value,
            @Schema(implementation = Scalar.class) Object from,
            @Schema(implementation = Scalar.class) Object to) {}

    @Schema(name = "EventWindow")
    public record Between(
            @Schema(required = true, description = "ISO-8601 date or time")
            String from,

            @Schema(required = true, description = "ISO-8601 date or time")
            String to) {}

    @Schema(name = "EventAggregate", description = "count needs no attribute; the others aggregate one column")
    public record Aggregate(
            @Schema(
                    required = true,
                    enumeration = {"count", "count_distinct", "sum", "min", "max", "avg"})
            String fn,

            @Schema(description = "the event column aggregated")
            String attribute) {}

    /** A JSON string, number or boolean. */
    @Schema(
            name = "ScalarValue",
            description = "A string, number or boolean (dates and times as ISO-8601 strings)",
            oneOf = {String.class, Double.class, Boolean.class})
    public static final class Scalar {
        private Scalar() {}
    }
}
