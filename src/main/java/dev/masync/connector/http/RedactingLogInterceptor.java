package dev.masync.connector.http;

import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Logs each vendor call (method, URL, status, milliseconds) at debug level through {@link Redaction}: no credential
 * and no e-mail address reaches the log. Headers are logged only when {@code withHeaders}; bodies never (they hold
 * learners' data).
 */
public final class RedactingLogInterceptor implements Interceptor {
    private static final Logger LOG = Logger.getLogger(RedactingLogInterceptor.class);

    private final Consumer<String> log;
    private final boolean withHeaders;

    /** Logs to this class's logger at debug level, without headers. */
    public RedactingLogInterceptor() {
        this(LOG::debug, false);
    }

    public RedactingLogInterceptor(Consumer<String> log, boolean withHeaders) {
        this.log = Objects.requireNonNull(log, "log");
        this.withHeaders = withHeaders;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        long start = System.nanoTime();
        String call = request.method() + " " + Redaction.url(request.url());
        try {
            Response response = chain.proceed(request);
            long ms = (System.nanoTime() - start) / 1_000_000;
            StringBuilder line = new StringBuilder(call)
                    .append(" -> ")
                    .append(response.code())
                    .append(" in ")
                    .append(ms)
                    .append(" ms");
            if (withHeaders) {
                line.append("\nrequest headers:\n")
                        .append(Redaction.headers(request.headers()))
                        .append("response headers:\n")
                        .append(Redaction.headers(response.headers()));
            }
            log.accept(line.toString());
            return response;
        } catch (IOException e) {
            log.accept(call + " failed: " + Redaction.text(String.valueOf(e.getMessage())));
            throw e;
        }
    }
}
