package dev.switchboard.session;

/**
 * How a TEXT {@link Batch} becomes one WebSocket text message: joined as it is
 * ({@link #JOINED}, for protocols that frame their own messages, such as STOMP, or for one
 * message per write), or wrapped by a protocol that carries several messages in one frame
 * (SockJS's {@code a["m1","m2"]}).
 */
@FunctionalInterface
public interface TextFraming {

    /** The messages joined as they are. */
    TextFraming JOINED = Batch::joinedText;

    String frame(Batch batch);
}
