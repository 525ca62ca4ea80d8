package io.streamwarehouse.customer;

/**
 * A change of a source table's columns that the job must not run through. Its message is the one
 * line a user sees: which column, and what to do.
 */
public final class SourceSchemaChanged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SourceSchemaChanged(String message) {
        super(message);
    }

    /**
     * The message of a {@code SourceSchemaChanged} in a job failure's text (the failure reaches a
     * client only as text), or null if the failure is another one.
     */
    public static String messageIn(String failure) {
        if (failure == null) {
            return null;
        }
        String marker = SourceSchemaChanged.class.getName() + ": ";
        int start = failure.indexOf(marker);
        if (start < 0) {
            return null;
        }
        start += marker.length();
        int end = failure.indexOf('\n', start);
        return (end < 0 ? failure.substring(start) : failure.substring(start, end)).trim();
    }
}
