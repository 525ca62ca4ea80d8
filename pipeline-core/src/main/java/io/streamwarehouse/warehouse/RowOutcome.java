package io.streamwarehouse.warehouse;

/** What one write did to its target row; summed into the load's audit row. */
public enum RowOutcome {
    INSERTED,
    UPDATED,
    /** A soft delete: the row was kept and flagged. */
    DELETED,
    /** The write changed nothing: a duplicate, or a change older than the stored one. */
    SKIPPED,
    /** The warehouse refused the row for its data; it is in {@code audit.dead_letters}. */
    DEAD_LETTERED
}
