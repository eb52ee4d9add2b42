package dev.masync.testing.browser;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Optional;

/**
 * Runs a browser test class only where {@link HeadlessChromium} finds chromium and chromedriver: elsewhere its tests
 * are reported skipped, with what to install (also printed, since build logs seldom show skip reasons), unless
 * {@code MASYNC_TEST_REQUIRE_BROWSER=true}: then the class fails.
 */
public final class RequiresChromium implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> missing = HeadlessChromium.missing(HeadlessChromium.configured());
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("chromium and chromedriver found");
        }
        if (HeadlessChromium.required()) {
            throw new IllegalStateException(
                    missing.get() + " (" + HeadlessChromium.REQUIRE_ENV + "=true, so this is a failure)");
        }
        if (context.getTestMethod().isEmpty()) {
            System.out.println(context.getDisplayName() + " skipped: " + missing.get());
        }
        return ConditionEvaluationResult.disabled(missing.get());
    }
}
