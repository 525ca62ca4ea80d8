package io.streamwarehouse.customer.source;

import java.util.List;
import java.util.Locale;

/**
 * The two OLTP databases the customer dimension can read from. MariaDB speaks the MySQL dialect and
 * uses the same scripts and the same {@code mysql-cdc} connector.
 */
public enum SourceDialect {
    MYSQL("mysql", List.of("V1__sakila_customer_tables.sql")),
    POSTGRES("postgres", List.of("V1__sakila_customer_tables.sql", "V2__customer_publication.sql"));

    private final String directory;
    private final List<String> tableScripts;

    SourceDialect(String directory, List<String> tableScripts) {
        this.directory = directory;
        this.tableScripts = tableScripts;
    }

    /** Parses {@code mysql}, {@code mariadb} or {@code postgres}/{@code postgresql}, any case. */
    public static SourceDialect parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "mysql":
            case "mariadb":
                return MYSQL;
            case "postgres":
            case "postgresql":
                return POSTGRES;
            default:
                throw new IllegalArgumentException(
                        "unknown source type '" + value + "'; expected mysql or postgres");
        }
    }

    /**
     * Classpath location of a script of this dialect, e.g. {@code db/source/mysql/cdc_user.sql}.
     */
    public String resource(String fileName) {
        return "db/source/" + directory + "/" + fileName;
    }

    /**
     * The scripts that create the source tables (and, for PostgreSQL, the publication), in order.
     */
    public List<String> tableScripts() {
        return tableScripts;
    }

    @Override
    public String toString() {
        return directory;
    }
}
