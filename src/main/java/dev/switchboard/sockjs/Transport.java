package dev.switchboard.sockjs;

import java.nio.charset.StandardCharsets;

/**
 * The SockJS HTTP transports that carry frames to the client: how each one opens its response
 * and wraps a frame. Polling transports answer one frame per request; streaming ones keep the
 * response open until it has carried the service's byte limit.
 */
enum Transport {
    XHR("xhr", "POST", false, "application/javascript;charset=UTF-8"),
    XHR_STREAMING("xhr_streaming", "POST", true, "application/javascript;charset=UTF-8"),
    EVENTSOURCE("eventsource", "GET", true, "text/event-stream"), // UTF-8 by the EventSource spec
    HTMLFILE("htmlfile", "GET", true, "text/html;charset=UTF-8"),
    JSONP("jsonp", "GET", false, "application/javascript;charset=UTF-8");

    /** The page that runs the htmlfile transport inside the client's hidden iframe; %s is the callback. */
    private static final String HTMLFILE_HEAD = """
            <!doctype html>
            <html><head>
              <meta http-equiv="X-UA-Compatible" content="IE=edge" />
              <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
            </head><body><h2>Don't panic!</h2>
              <script>
                document.domain = document.domain;
                var c = parent.%s;
                c.start();
                function p(d) {c.message(d);};
                window.onload = function() {c.stop();};
              </script>""";

    private static final byte[] XHR_PRELUDE = ("h".repeat(2048) + "\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENTSOURCE_PRELUDE = "\r\n".getBytes(StandardCharsets.US_ASCII);

    final String path;
    final String method;
    final boolean streaming;
    final String contentType;

    Transport(String path, String method, boolean streaming, String contentType) {
        this.path = path;
        this.method = method;
        this.streaming = streaming;
        this.contentType = contentType;
    }

    static Transport of(String path) {
        for (Transport t : values()) {
            if (t.path.equals(path)) {
                return t;
            }
        }
        return null;
    }

    private static final byte[] NEWLINE = {'\n'};
    private static final byte[] CRLF = {'\r', '\n'};

    /** Bytes that carry nothing for this transport's clients (they skip empty lines). */
    byte[] filler() {
        return this == XHR || this == XHR_STREAMING ? NEWLINE : CRLF;
    }

    /** Whether the transport needs a JavaScript callback name ({@code c} parameter). */
    boolean needsCallback() {
        return this == HTMLFILE || this == JSONP;
    }

    /** What a streaming response sends before any frame, or null. Not counted against the byte limit. */
    byte[] prelude(String callback) {
        return switch (this) {
            case XHR_STREAMING -> XHR_PRELUDE;
            case EVENTSOURCE -> EVENTSOURCE_PRELUDE;
            case HTMLFILE -> {
                // padded past 1 KiB: some browsers render nothing of a streamed page before that
                String head = HTMLFILE_HEAD.formatted(callback);
                yield (head + " ".repeat(Math.max(0, 1025 - head.length())) + "\r\n").getBytes(StandardCharsets.UTF_8);
            }
            default -> null;
        };
    }

    /** Appends one SockJS frame as this transport carries it. */
    void wrap(StringBuilder out, CharSequence frame, String callback) {
        switch (this) {
            case XHR, XHR_STREAMING -> out.append(frame).append('\n');
            case EVENTSOURCE -> out.append("data: ").append(frame).append("\r\n\r\n");
            case HTMLFILE -> {
                out.append("<script>\np(");
                SockJsJson.quote(out, frame);
                out.append(");\n</script>\r\n");
            }
            case JSONP -> {
                // the comment first: a callback-controlled start of the response cannot be made into
                // another file type (the Rosetta Flash attack)
                out.append("/**/").append(callback).append('(');
                SockJsJson.quote(out, frame);
                out.append(");\r\n");
            }
        }
    }
}
