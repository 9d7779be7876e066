package dev.switchboard.broker;

/** A request the broker refuses (a bad destination, a full queue); the message says why. */
public final class BrokerException extends Exception {
    public BrokerException(String message) {
        super(message);
    }
}
