package io.streamwarehouse.local.sandbox;

import io.streamwarehouse.warehouse.WarehouseConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/** What the sandbox shows while it runs: rows in the warehouse and how fresh the last load is. */
public final class WarehouseProgress {
    private final WarehouseConnection warehouse;

    public WarehouseProgress(WarehouseConnection warehouse) {
        this.warehouse = warehouse;
    }

    /** One line: dimension rows, window rows, rejects, anomalies, seconds since the last load. */
    public String line() {
        String sql =
                "SELECT (SELECT count(*) FROM warehouse.dim_customer),"
                        + " (SELECT count(*) FROM warehouse.dim_customer WHERE is_deleted),"
                        + " (SELECT count(*) FROM warehouse.station_window),"
                        + " (SELECT count(*) FROM warehouse.turnstile_rejects),"
                        + " (SELECT count(*) FROM warehouse.turnstile_anomalies),"
                        + " (SELECT count(*) FROM audit.load_audit),"
                        + " (SELECT extract(epoch FROM now() - max(finished_at))::int"
                        + " FROM audit.load_audit)";
        try (Connection c = warehouse.open();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return String.format(
                    "dim_customer %,d (%,d deleted) | station_window %,d | rejects %,d |"
                            + " anomalies %,d | loads %,d, last %s",
                    rs.getLong(1),
                    rs.getLong(2),
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getLong(6),
                    rs.getObject(7) == null ? "none yet" : rs.getInt(7) + " s ago");
        } catch (SQLException e) {
            return "warehouse not reachable: " + e.getMessage();
        }
    }
}
