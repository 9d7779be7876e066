package dev.switchboard.stomp;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A frame's headers in wire order, repeats kept. {@link #get} answers with the first occurrence,
 * as the spec says ("only the first header entry SHOULD be used").
 */
public final class StompHeaders {

    public static final StompHeaders EMPTY = new StompHeaders(new String[0]);

    private final String[] pairs; // name, value, name, value...

    private StompHeaders(String[] pairs) {
        this.pairs = pairs;
    }

    /** Headers from name/value pairs: {@code of("destination", "/topic/a", "receipt", "7")}. */
    public static StompHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name/value pairs");
        }
        for (String s : namesAndValues) {
            if (s == null) {
                throw new IllegalArgumentException("a header name or value is null");
            }
        }
        return new StompHeaders(namesAndValues.clone());
    }

    public int size() {
        return pairs.length / 2;
    }

    public String name(int i) {
        return pairs[2 * i];
    }

    public String value(int i) {
        return pairs[2 * i + 1];
    }

    /** The first value of the header, or null. */
    public String get(String name) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(name)) {
                return pairs[i + 1];
            }
        }
        return null;
    }

    /** The first value of each header name, in first-seen order. */
    public Map<String, String> firstValues() {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.putIfAbsent(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(out);
    }

    /** These headers with one more at the end. */
    public StompHeaders with(String name, String value) {
        String[] more = Arrays.copyOf(pairs, pairs.length + 2);
        more[pairs.length] = name;
        more[pairs.length + 1] = value;
        return new StompHeaders(more);
    }

    /** Builds headers one by one; used by the decoder. */
    static final class Builder {
        private String[] pairs = new String[16];
        private int length;

        void add(String name, String value) {
            if (length == pairs.length) {
                pairs = Arrays.copyOf(pairs, length * 2);
            }
            pairs[length++] = name;
            pairs[length++] = value;
        }

        int count() {
            return length / 2;
        }

        String first(String name) {
            for (int i = 0; i < length; i += 2) {
                if (pairs[i].equals(name)) {
                    return pairs[i + 1];
                }
            }
            return null;
        }

        StompHeaders build() {
            StompHeaders headers = length == 0 ? EMPTY : new StompHeaders(Arrays.copyOf(pairs, length));
            length = 0;
            if (pairs.length > 64) {
                pairs = new String[16];
            }
            return headers;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StompHeaders other && Arrays.equals(pairs, other.pairs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pairs);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            out.append(i == 0 ? "" : ", ").append(pairs[i]).append(':').append(pairs[i + 1]);
        }
        return out.append('}').toString();
    }
}
