package io.streamwarehouse.customer;

import java.util.Locale;

/**
 * What the customer job does when the columns of a captured source table change, in the spirit of
 * Flink CDC's {@code schema.change.behavior}. Under either, a change that breaks the mapping onto
 * the dimension (a column it reads is dropped, or retyped to one its dimension column cannot hold)
 * fails the job.
 */
public enum SchemaChangeBehavior {
    /**
     * Keep running through changes the dimension does not depend on (added columns, dropped unused
     * ones).
     */
    LENIENT,
    /** Fail the job on any column added, dropped or retyped since the job started. */
    EXCEPTION;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
