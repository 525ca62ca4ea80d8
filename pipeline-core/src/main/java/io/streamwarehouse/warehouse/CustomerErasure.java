package io.streamwarehouse.warehouse;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The right to be forgotten ({@code ./pipeline forget}): {@code CALL
 * warehouse.forget_customer(id)}, which erases the customer's personal data from the dimension, its
 * history, staging's row images and the dead letters, and leaves a tombstone that keeps it out of
 * every later write (sql/warehouse/V7__forget_and_reconcile.sql). The procedure runs as its owner,
 * so the jobs' login may call it without holding DELETE.
 */
public final class CustomerErasure {
    private CustomerErasure() {}

    /** What one forget erased, as {@code audit.forget_log} recorded it. */
    public record Erased(
            int customerId,
            Instant forgottenAt,
            int dimensionRows,
            int historyRows,
            int stagedImages,
            int deadLetters) {}

    public static Erased forget(WarehouseConnection warehouse, int customerId) throws SQLException {
        try (Connection c = warehouse.open()) {
            c.setAutoCommit(false);
            try (CallableStatement call = c.prepareCall("CALL warehouse.forget_customer(?)")) {
                call.setInt(1, customerId);
                call.execute();
            }
            Erased erased;
            try (PreparedStatement last =
                    c.prepareStatement(
                            "SELECT forgotten_at, dimension_rows, history_rows, staged_images,"
                                    + " dead_letters FROM audit.forget_log WHERE customer_id = ?"
                                    + " ORDER BY forgotten_at DESC LIMIT 1")) {
                last.setInt(1, customerId);
                try (ResultSet rs = last.executeQuery()) {
                    rs.next();
                    erased =
                            new Erased(
                                    customerId,
                                    rs.getTimestamp(1).toInstant(),
                                    rs.getInt(2),
                                    rs.getInt(3),
                                    rs.getInt(4),
                                    rs.getInt(5));
                }
            }
            c.commit();
            return erased;
        }
    }
}
