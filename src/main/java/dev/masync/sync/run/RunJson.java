package dev.masync.sync.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON columns of runs (counts, phases, progress, samples). */
final class RunJson {
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private RunJson() {}

    static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
