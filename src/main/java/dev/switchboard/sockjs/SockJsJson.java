package dev.switchboard.sockjs;

import java.util.ArrayList;
import java.util.List;

/**
 * The little JSON SockJS needs: quoting outgoing strings (with the escapes the protocol asks of a
 * server, so that browsers and proxies do not mangle them) and reading incoming messages, which
 * are a JSON array of strings or, over WebSocket, also a single string.
 */
final class SockJsJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SockJsJson() {
    }

    /** Thrown for input that is not the JSON SockJS expects. */
    static final class BrokenJsonException extends Exception {
        BrokenJsonException(String message) {
            super(message);
        }
    }

    /** True for the characters the server escapes as {@code \}{@code uXXXX} beyond JSON's own. */
    private static boolean escaped(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x200c && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f)
                || (c >= 0x2060 && c <= 0x206f) || c >= 0xfff0 || Character.isSurrogate(c);
    }

    /** Appends {@code text} as a JSON string, quotes included. */
    static void quote(StringBuilder out, CharSequence text) {
        out.append('"');
        escapeInto(out, text);
        out.append('"');
    }

    /** Appends {@code text} escaped for the inside of a JSON string (no quotes), so a string may be escaped in pieces. */
    static void escapeInto(StringBuilder out, CharSequence text) {
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f ? c != '"' && c != '\\' : !escaped(c)) {
                continue; // printable ASCII but the quote and backslash: as it is
            }
            out.append(text, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                        .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
            }
        }
        out.append(text, start, n);
    }

    /**
     * Escapes a message given in parts (no quotes). With three parts or more it is a fanned-out
     * message: the first and last parts are shared by all its recipients (pre-encoded once), so
     * on a writer thread their escaped forms are kept and escaped once, not once per recipient;
     * the recipient's own parts in between are escaped each time. Other threads (a container's
     * request thread) keep nothing: a cache there would outlive the application.
     */
    static void escapeParts(StringBuilder out, String... parts) {
        if (parts.length < 3) {
            for (String part : parts) {
                escapeInto(out, part);
            }
            return;
        }
        EscapeCache cache = Thread.currentThread() instanceof dev.switchboard.session.WriterPool.WriterThread writer
                ? writer.scratch(EscapeCache.class, EscapeCache::new) : null;
        for (int i = 0; i < parts.length; i++) {
            if ((i == 0 || i == parts.length - 1) && cache != null) {
                out.append(cache.escaped(parts[i]));
            } else {
                escapeInto(out, parts[i]);
            }
        }
    }

    /**
     * The escaped forms of shared parts a thread escaped lately, by identity: a direct-mapped
     * table, so a writer that joins several messages for each of many subscribers (two parts a
     * message) still finds them all, where a small round-robin list would evict each before its reuse.
     */
    private static final class EscapeCache {
        private static final int SLOTS = 128;
        private final String[] raw = new String[SLOTS];
        private final String[] escaped = new String[SLOTS];

        String escaped(String part) {
            int slot = System.identityHashCode(part) & (SLOTS - 1);
            if (raw[slot] == part) {
                return escaped[slot];
            }
            StringBuilder b = new StringBuilder(part.length() + 16);
            escapeInto(b, part);
            String result = b.toString();
            raw[slot] = part;
            escaped[slot] = result;
            return result;
        }
    }

    static String quote(CharSequence text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        quote(out, text);
        return out.toString();
    }

    /**
     * Reads a JSON array of strings ({@code ["a","b"]}); with {@code singleAllowed}, a lone JSON
     * string is read as one message.
     */
    static List<String> messages(String json, boolean singleAllowed) throws BrokenJsonException {
        Reader reader = new Reader(json);
        reader.skipSpace();
        List<String> out = new ArrayList<>();
        if (singleAllowed && reader.peek() == '"') {
            out.add(reader.string());
        } else {
            reader.expect('[');
            reader.skipSpace();
            if (reader.peek() == ']') {
                reader.pos++;
            } else {
                while (true) {
                    reader.skipSpace();
                    out.add(reader.string());
                    reader.skipSpace();
                    char c = reader.next();
                    if (c == ']') {
                        break;
                    }
                    if (c != ',') {
                        throw new BrokenJsonException("expected , or ] at " + (reader.pos - 1));
                    }
                }
            }
        }
        reader.skipSpace();
        if (reader.pos != json.length()) {
            throw new BrokenJsonException("text after the JSON value at " + reader.pos);
        }
        return out;
    }

    private static final class Reader {
        final String s;
        int pos;

        Reader(String s) {
            this.s = s;
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        char next() throws BrokenJsonException {
            if (pos >= s.length()) {
                throw new BrokenJsonException("unexpected end");
            }
            return s.charAt(pos++);
        }

        void expect(char c) throws BrokenJsonException {
            if (next() != c) {
                throw new BrokenJsonException("expected " + c + " at " + (pos - 1));
            }
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        String string() throws BrokenJsonException {
            expect('"');
            int start = pos;
            StringBuilder out = null;
            while (true) {
                char c = next();
                if (c == '"') {
                    return out == null ? s.substring(start, pos - 1) : out.toString();
                }
                if (c < 0x20) {
                    throw new BrokenJsonException("control character in a string at " + (pos - 1));
                }
                if (c != '\\') {
                    if (out != null) {
                        out.append(c);
                    }
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder(s.length() - start);
                    out.append(s, start, pos - 1);
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw new BrokenJsonException("short \\u escape");
                        }
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(s.charAt(pos++), 16);
                            if (d < 0) {
                                throw new BrokenJsonException("bad \\u escape at " + (pos - 1));
                            }
                            v = v << 4 | d;
                        }
                        out.append((char) v);
                    }
                    default -> throw new BrokenJsonException("bad escape \\" + e);
                }
            }
        }
    }
}
