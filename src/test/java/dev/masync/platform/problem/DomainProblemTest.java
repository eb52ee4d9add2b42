package dev.masync.platform.problem;

import dev.masync.platform.DomainException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Domain errors become problems in ProblemMappers: the kind decides the status, the code and detail are kept. */
class DomainProblemTest {

    static Problem problem(DomainException.Kind kind) {
        Response r = new ProblemMappers().domain(new DomainException(kind, "some_code", "what to do"));
        assertThat(r.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        return (Problem) r.getEntity();
    }

    @Test
    void eachKindHasItsStatusAndKeepsTheCodeAndDetail() {
        assertThat(problem(DomainException.Kind.NOT_FOUND).status()).isEqualTo(404);
        assertThat(problem(DomainException.Kind.CONFLICT).status()).isEqualTo(409);
        assertThat(problem(DomainException.Kind.UNAVAILABLE).status()).isEqualTo(503);
        Problem p = problem(DomainException.Kind.CONFLICT);
        assertThat(p.code()).isEqualTo("some_code");
        assertThat(p.detail()).isEqualTo("what to do");
    }
}
