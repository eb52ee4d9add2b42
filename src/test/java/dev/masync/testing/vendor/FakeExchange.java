package dev.masync.testing.vendor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A request as a vendor fake sees it, and the answer it builds. Header names are lower case. */
final class FakeExchange {
    static final ObjectMapper JSON = new ObjectMapper();

    final String method;
    final String path;
    final String rawQuery;
    final Map<String, String> headers;
    final byte[] body;

    int status = 200;
    final Map<String, String> responseHeaders = new LinkedHashMap<>();
    byte[] responseBody = new byte[0];
    String contentType;
    /** Set by a handler that changed state; a fault marked not-applied must be decided before. */
    boolean drop;
    /** Who the credentials belong to (an app or user), set by the vendor's {@code admit}. */
    String principal;
    /** Whether the request holds one of the vendor's concurrency slots, to give back in {@code release}. */
    boolean holdsSlot;

    FakeExchange(String method, String path, String rawQuery, Map<String, String> headers, byte[] body) {
        this.method = method;
        this.path = path;
        this.rawQuery = rawQuery;
        this.headers = headers;
        this.body = body;
    }

    String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    String bodyTextOfAnswer() {
        return new String(responseBody, StandardCharsets.UTF_8);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as JSON, or {@code null} when it is empty or not JSON. */
    JsonNode json() {
        if (body.length == 0) return null;
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    Map<String, String> query() {
        return decodeForm(rawQuery);
    }

    Map<String, String> form() {
        return decodeForm(bodyText());
    }

    static Map<String, String> decodeForm(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s == null || s.isEmpty()) return out;
        for (String pair : s.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    FakeExchange json(int status, Object body) {
        this.status = status;
        try {
            this.responseBody = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        this.contentType = "application/json;charset=utf-8";
        return this;
    }

    FakeExchange text(int status, String contentType, String body) {
        this.status = status;
        this.responseBody = body.getBytes(StandardCharsets.UTF_8);
        this.contentType = contentType;
        return this;
    }

    FakeExchange empty(int status) {
        this.status = status;
        this.responseBody = new byte[0];
        this.contentType = null;
        return this;
    }
}
