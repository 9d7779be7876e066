package dev.switchboard.session;

/**
 * Joins the parts of one text message and enforces the size limit while joining, so an oversize
 * message is refused before it is held whole.
 */
public final class TextAssembler {

    private final int max;
    private StringBuilder parts;

    public TextAssembler(int maxChars) {
        this.max = maxChars;
    }

    /**
     * Adds one part. Returns the whole message after its last part, null while parts are missing.
     *
     * @throws MessageTooBigException when the message grows past the limit
     */
    public String append(String part, boolean last) {
        int held = parts == null ? 0 : parts.length();
        if ((long) held + part.length() > max) {
            parts = null;
            throw new MessageTooBigException("text message over " + max + " characters");
        }
        if (last && parts == null) {
            return part; // the common case: a message in one part, nothing copied
        }
        if (parts == null) {
            parts = new StringBuilder(Math.min(max, Math.max(16, part.length() * 2)));
        }
        parts.append(part);
        if (!last) {
            return null;
        }
        String whole = parts.toString();
        parts = null;
        return whole;
    }
}
