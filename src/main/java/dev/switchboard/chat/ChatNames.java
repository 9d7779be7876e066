package dev.switchboard.chat;

import java.security.Principal;
import java.util.regex.Pattern;

/** Room names and who a client is in a room: what the chat accepts, and how it shows it. */
final class ChatNames {

    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final int NICKNAME_MAX = 32;

    private ChatNames() {
    }

    /** The room name of a chat topic, or null when the destination is not a valid room. */
    static String roomOf(String destination) {
        if (!destination.startsWith(ChatService.TOPIC_PREFIX)) {
            return null;
        }
        String room = destination.substring(ChatService.TOPIC_PREFIX.length());
        return ROOM.matcher(room).matches() ? room : null;
    }

    static boolean validRoom(String room) {
        return room != null && ROOM.matcher(room).matches();
    }

    /** A nickname as shown: trimmed, controls removed, at most 32 characters; null when nothing is left. */
    static String nickname(String claimed) {
        if (claimed == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        claimed.strip().codePoints().filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
                .limit(NICKNAME_MAX).forEach(out::appendCodePoint);
        String name = out.toString().strip();
        return name.isEmpty() ? null : name;
    }

    /** Who a client is in the chat: its authenticated name, else its nickname, else a guest name. */
    static String nameOf(Principal principal, String nickname, String sessionId) {
        if (principal != null) {
            return principal.getName();
        }
        String nick = nickname(nickname);
        if (nick != null) {
            return nick;
        }
        return sessionId == null ? "anonymous" : "guest-" + Integer.toHexString(sessionId.hashCode() & 0xffff);
    }
}
