package dev.masync.connector.spi;

import java.util.Objects;

/** One problem with one setting, phrased so the reader knows how to fix it. */
public record SettingProblem(String setting, String message) {
    public SettingProblem {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(message, "message");
    }
}
