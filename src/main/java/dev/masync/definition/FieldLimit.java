package dev.masync.definition;

import dev.masync.platform.problem.ProblemError;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The longest string each kind of definition field accepts, declared once here and checked before anything is
 * stored, so that no value can overflow its column (see {@code migrations/}) and no message echoes a huge value.
 * README.md ("Input limits") lists them.
 *
 * @param what the kind of field, for messages ("a name")
 * @param max  the most characters (UTF-16 units, as the columns count them)
 */
public record FieldLimit(String what, int max) {
    /** Keys of segments, destinations and syncs, and references to them ({@code segments.segment_key}). */
    public static final FieldLimit KEY = new FieldLimit("a key", 100);
    /** Human names of definitions ({@code segments.name}, {@code destinations.name}, {@code syncs.name}). */
    public static final FieldLimit NAME = new FieldLimit("a name", 200);
    /** Free text describing a definition ({@code segments.description}). */
    public static final FieldLimit DESCRIPTION = new FieldLimit("a description", 2000);
    /** An API key's name ({@code api_keys.name}). */
    public static final FieldLimit API_KEY_NAME = new FieldLimit("an API key's name", 100);
    /** Names in the warehouse or at a destination: attributes, event tables, mapping targets, fields, lists. */
    public static final FieldLimit FIELD_NAME = new FieldLimit("a field or attribute name", 200);
    /** A connector setting's name. */
    public static final FieldLimit SETTING_NAME = new FieldLimit("a setting name", 100);
    /** A connector setting's value (a URL, a secret reference, a format...). */
    public static final FieldLimit SETTING_VALUE = new FieldLimit("a setting value", 2000);
    /**
     * A value a definition compares with or writes: rule values (also each value of {@code in} lists), a sync's
     * membership value.
     */
    public static final FieldLimit VALUE = new FieldLimit("a value", 1000);
    /** Short syntax: durations, cron expressions, dates, modes, styles, formats, operators. */
    public static final FieldLimit SYNTAX = new FieldLimit("this kind of value", 100);

    /** Stored JSON of a segment's rule ({@code segments.rule_json}). */
    public static final int RULE_JSON = 300_000;
    /** Stored JSON of a destination's settings ({@code destinations.settings_json}). */
    public static final int SETTINGS_JSON = 100_000;
    /** Stored JSON of a sync's definition ({@code syncs.definition_json}). */
    public static final int SYNC_JSON = 100_000;

    public FieldLimit {
        Objects.requireNonNull(what, "what");
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive");
        }
    }

    /** Why {@code value} is too long, or empty when it fits (or is null); never quotes the value. */
    public Optional<String> problem(String value) {
        if (value == null || value.length() <= max) {
            return Optional.empty();
        }
        return Optional.of(
                "too long: " + what + " has at most " + max + " characters (this one has " + value.length() + ")");
    }

    /** Adds an error at {@code pointer} when {@code value} is too long; true when it fits. */
    public boolean check(String value, String pointer, List<ProblemError> errors) {
        Optional<String> p = problem(value);
        p.ifPresent(m -> errors.add(new ProblemError(pointer, m)));
        return p.isEmpty();
    }

    /** The error for a stored document that would not fit its column. */
    public static Optional<ProblemError> storedTooLarge(String json, int max, String pointer, String what) {
        if (json == null || json.length() <= max) {
            return Optional.empty();
        }
        return Optional.of(new ProblemError(
                pointer,
                what + " takes " + json.length() + " characters when stored; at most " + max
                        + " fit. Make it smaller (fewer or shorter values)."));
    }
}
