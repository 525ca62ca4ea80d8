package io.streamwarehouse.customer;

/**
 * A change event that cannot be turned into a {@link CustomerChange}. The job sends such an event
 * to its rejects with this message as the reason instead of failing, so one odd record never stops
 * the dimension.
 */
public class ChangeParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChangeParseException(String message) {
        super(message);
    }

    public ChangeParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
