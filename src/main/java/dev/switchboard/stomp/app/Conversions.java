package dev.switchboard.stomp.app;

/** Header values and destination variables to the simple types a parameter may have. */
final class Conversions {

    private Conversions() {
    }

    static Object of(String value, Class<?> type, String what) throws Payloads.BadRequest {
        if (type == String.class || value == null && !type.isPrimitive()) {
            return value;
        }
        if (value == null) {
            throw new Payloads.BadRequest("missing " + what);
        }
        try {
            if (type == int.class || type == Integer.class) {
                return Integer.parseInt(value);
            }
            if (type == long.class || type == Long.class) {
                return Long.parseLong(value);
            }
            if (type == double.class || type == Double.class) {
                return Double.parseDouble(value);
            }
            if (type == boolean.class || type == Boolean.class) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new NumberFormatException(value);
                }
                return Boolean.parseBoolean(value);
            }
        } catch (NumberFormatException e) {
            throw new Payloads.BadRequest(what + " must be a " + type.getSimpleName() + ": \""
                    + (value.length() > 64 ? value.substring(0, 64) + "..." : value) + "\"");
        }
        throw new IllegalArgumentException(what + ": a String, a number or a boolean, not " + type.getName());
    }

    /** Fails at registration, not on the first request, for a parameter type that cannot be made from text. */
    static void check(Class<?> type, String what) {
        if (type != String.class && type != int.class && type != Integer.class && type != long.class
                && type != Long.class && type != double.class && type != Double.class && type != boolean.class
                && type != Boolean.class) {
            throw new IllegalArgumentException(what + ": a String, a number or a boolean, not " + type.getName());
        }
    }
}
