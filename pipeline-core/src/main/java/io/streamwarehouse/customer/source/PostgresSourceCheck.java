package io.streamwarehouse.customer.source;

import static io.streamwarehouse.customer.source.SourceCheck.fatal;
import static io.streamwarehouse.customer.source.SourceCheck.shown;
import static io.streamwarehouse.customer.source.SourceCheck.warning;

import io.streamwarehouse.customer.source.SourceCheck.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rules of {@link SourceCheck} for a PostgreSQL source: WAL level, replication slots and
 * senders, the role, replica identity, grants and the publication.
 */
public final class PostgresSourceCheck {

    /** {@code pg_class.relreplident} by the name ALTER TABLE uses. */
    private static final Map<String, String> REPLICA_IDENTITIES =
            Map.of("d", "DEFAULT", "i", "USING INDEX", "n", "NOTHING");

    private PostgresSourceCheck() {}

    /**
     * The problems of a PostgreSQL source.
     *
     * @param settings rows of {@code check_wal.sql}
     * @param publication the publication the job reads
     * @param slotName the job's replication slot, or null if unknown (then an existing slot of the
     *     job cannot be told apart from a new one)
     */
    public static List<Problem> problems(
            Map<String, String> settings, String publication, String slotName) {
        List<Problem> problems = new ArrayList<>();
        String walLevel = settings.getOrDefault("wal_level", "");
        if (!walLevel.equalsIgnoreCase("logical")) {
            problems.add(
                    fatal(
                            "wal_level",
                            "wal_level is "
                                    + shown(walLevel)
                                    + "; set wal_level = logical in postgresql.conf (or ALTER SYSTEM"
                                    + " SET wal_level = logical) and restart PostgreSQL"));
        }
        int maxSlots = intSetting(settings, "max_replication_slots");
        int usedSlots = intSetting(settings, "replication_slots_used");
        boolean ownSlotExists = slotName != null && settings.containsKey("slot." + slotName);
        if (maxSlots <= 0) {
            problems.add(
                    fatal(
                            "max_replication_slots",
                            "max_replication_slots is 0; set max_replication_slots to at least the"
                                    + " number of CDC sources in postgresql.conf and restart"
                                    + " PostgreSQL"));
        } else if (!ownSlotExists && usedSlots >= maxSlots) {
            problems.add(
                    fatal(
                            "max_replication_slots",
                            "all "
                                    + maxSlots
                                    + " replication slots are in use; raise max_replication_slots"
                                    + " in postgresql.conf and restart, or drop an unused slot with"
                                    + " SELECT pg_drop_replication_slot('<name>')"));
        }
        if (ownSlotExists && settings.get("slot." + slotName).endsWith(",true")) {
            problems.add(
                    warning(
                            "slot." + slotName,
                            "replication slot "
                                    + slotName
                                    + " is in use by another connection; if no other job reads it,"
                                    + " that connection is a leftover that PostgreSQL ends after"
                                    + " wal_sender_timeout"));
        }
        if (intSetting(settings, "max_wal_senders") <= 0) {
            problems.add(
                    fatal(
                            "max_wal_senders",
                            "max_wal_senders is 0; set max_wal_senders to at least the number of"
                                    + " CDC sources in postgresql.conf and restart PostgreSQL"));
        }
        String role = settings.getOrDefault("current_user", "<role>");
        boolean superuser = "true".equalsIgnoreCase(settings.get("rolsuper"));
        if (!superuser && !"true".equalsIgnoreCase(settings.get("rolreplication"))) {
            problems.add(
                    fatal(
                            "rolreplication",
                            "role "
                                    + role
                                    + " lacks the REPLICATION attribute; run ALTER ROLE "
                                    + role
                                    + " WITH REPLICATION as a superuser (see"
                                    + " sql/source/postgres/cdc_user.sql)"));
        }
        String schema = settings.getOrDefault("current_schema", "public");
        for (String table : SourceSchema.CAPTURED_TABLES) {
            String identity = settings.get("replica_identity." + table);
            if (identity == null) {
                problems.add(
                        fatal(
                                "table." + table,
                                "table %s.%s does not exist or is not visible to %s; create it"
                                                .formatted(schema, table, role)
                                        + " with sql/source/postgres/V1__sakila_customer_tables.sql"));
                continue;
            }
            if (!identity.equals("f")) {
                problems.add(
                        fatal(
                                "replica_identity." + table,
                                "table "
                                        + table
                                        + " has REPLICA IDENTITY "
                                        + REPLICA_IDENTITIES.getOrDefault(identity, identity)
                                        + ", so its updates do not carry the old row; run ALTER"
                                        + " TABLE "
                                        + schema
                                        + "."
                                        + table
                                        + " REPLICA IDENTITY FULL (once a quiet row's state has"
                                        + " expired, customer.state-ttl, only the old row in the"
                                        + " log tells the job which values to retract)"));
            }
            if (!"true".equalsIgnoreCase(settings.get("select." + table))) {
                problems.add(
                        fatal(
                                "select." + table,
                                "role "
                                        + role
                                        + " cannot SELECT "
                                        + table
                                        + "; run GRANT SELECT ON "
                                        + schema
                                        + "."
                                        + table
                                        + " TO "
                                        + role
                                        + " (see sql/source/postgres/cdc_user.sql)"));
            }
            String publications = settings.getOrDefault("publication." + table, "");
            if (publication != null && !List.of(publications.split(",")).contains(publication)) {
                problems.add(
                        fatal(
                                "publication." + table,
                                "table "
                                        + table
                                        + " is not in publication "
                                        + publication
                                        + "; run sql/source/postgres/V2__customer_publication.sql"
                                        + " as the owner of the tables"));
            }
        }
        return problems;
    }

    private static int intSetting(Map<String, String> settings, String key) {
        try {
            return Integer.parseInt(settings.getOrDefault(key, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
