package dev.masync.definition;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masync.platform.problem.ProblemError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class JsonChecksTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pointersEscapeTildeAndSlash() {
        assertThat(JsonChecks.pointer("settings", "a/b~c")).isEqualTo("/settings/a~1b~0c");
        assertThat(JsonChecks.pointer()).isEmpty();
        assertThat(JsonChecks.child("/mapping/0", "x/y")).isEqualTo("/mapping/0/x~1y");
    }

    @Test
    void unknownFieldsAreListedInTheBodysOrderWithWhatIsAllowed() throws Exception {
        var node = JSON.readTree("{\"name\": \"n\", \"retries\": 3, \"a/b\": 1}");

        List<ProblemError> errors = JsonChecks.unknownFields(node, "/rateLimit", List.of("name", "per"));

        assertThat(errors)
                .extracting(ProblemError::pointer, ProblemError::message)
                .containsExactly(
                        tuple("/rateLimit/retries", "unknown field 'retries'; allowed here: name, per"),
                        tuple("/rateLimit/a~1b", "unknown field 'a/b'; allowed here: name, per"));
        assertThat(JsonChecks.unknownFields(JSON.readTree("[1]"), "", List.of()))
                .isEmpty();
    }

    @Test
    void keysAreLowerCaseLettersDigitsAndUnderscoreFromALetter() {
        assertThat(JsonChecks.keyProblem("math_slipping_2", "k")).isEmpty();
        assertThat(JsonChecks.keyProblem("a".repeat(100), "k")).isEmpty();
        assertThat(JsonChecks.keyProblem("a".repeat(101), "k")).isPresent();
        for (String bad : List.of("Math", "2math", "math-slipping", "_math", "math slipping", "")) {
            assertThat(JsonChecks.keyProblem(bad, "math_slipping"))
                    .as(bad)
                    .get()
                    .asString()
                    .contains("e.g. \"math_slipping\"");
        }
        assertThat(JsonChecks.keyProblem(null, "k")).get().asString().startsWith("a key is required");
    }
}
