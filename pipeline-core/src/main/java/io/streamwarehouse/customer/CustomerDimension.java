package io.streamwarehouse.customer;

import static org.apache.flink.table.api.Expressions.$;
import static org.apache.flink.table.api.Expressions.call;
import static org.apache.flink.table.api.Expressions.callSql;

import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.ApiExpression;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.types.Row;

/**
 * The Type 1 customer dimension as a Table API query: one denormalised row per customer, customer
 * LEFT JOIN address LEFT JOIN city LEFT JOIN country.
 *
 * <p>The joins are regular changelog joins, so a change to an address, city or country retracts and
 * re-emits the joined row of every customer that points to it. LEFT joins keep a customer in the
 * dimension while its address (or city, country) is missing or deleted, with nulls in those
 * columns.
 *
 * <p>{@code source_version} is the greatest version of the joined rows, and the row also carries
 * each part's own version ({@link LatestCombination#PART_VERSIONS}, after the table's columns):
 * {@link LatestCombination} uses them to drop stale combinations and to give the rows it keeps a
 * version that only grows, which the warehouse upsert's guard then follows.
 *
 * <p>Read the result with {@link #toUpsertStream}, not a plain {@code toChangelogStream}: the joins
 * repartition by address, city and country id, so with parallelism above 1 the messages of one
 * customer reach the end by different paths and in no fixed order. A left join also emits
 * short-lived rows with nulls for the right side while that side is being replaced, and such a row
 * can overtake the real one. Upsert conversion makes the planner add its sink upsert materializer,
 * keyed by {@code customer_id}, which resolves the retractions and leaves each customer's last
 * message equal to its current row.
 */
public final class CustomerDimension {

    /**
     * The dimension's columns, in the order of {@code warehouse.dim_customer}; the query's rows
     * carry {@link LatestCombination#PART_VERSIONS} after them.
     */
    public static final List<String> COLUMNS =
            List.of(
                    "customer_id",
                    "store_id",
                    "first_name",
                    "last_name",
                    "email",
                    "active",
                    "create_date",
                    "address_id",
                    "address",
                    "address2",
                    "district",
                    "postal_code",
                    "phone",
                    "city_id",
                    "city",
                    "country_id",
                    "country",
                    "is_deleted",
                    "deleted_at",
                    "source_version",
                    "source_ts");

    private CustomerDimension() {}

    /**
     * The dimension as an upsert stream keyed by {@code customer_id}: INSERT and UPDATE_AFTER carry
     * the current row of a customer; a DELETE only appears transiently, between the retraction and
     * the replacement of a customer's row (customers are deleted softly, never removed), so a
     * warehouse writer upserts INSERT/UPDATE_AFTER and ignores DELETE.
     */
    public static DataStream<Row> toUpsertStream(StreamTableEnvironment tableEnv, Table dimension) {
        Schema schema =
                Schema.newBuilder()
                        .fromResolvedSchema(dimension.getResolvedSchema())
                        .primaryKey("customer_id")
                        .build();
        return tableEnv.toChangelogStream(dimension, schema, ChangelogMode.upsert());
    }

    /**
     * Joins the normalized tables (schemas of {@link SourceTable#schema()}) into the dimension,
     * with e-mail addresses as in the source.
     */
    public static Table join(Table customer, Table address, Table city, Table country) {
        return join(customer, address, city, country, EmailPolicy.plain());
    }

    /** As {@link #join(Table, Table, Table, Table)}, storing e-mail addresses by {@code policy}. */
    public static Table join(
            Table customer, Table address, Table city, Table country, EmailPolicy policy) {
        Table c =
                customer.select(
                        $("customer_id"),
                        $("store_id"),
                        $("first_name"),
                        $("last_name"),
                        $("email"),
                        $("active"),
                        $("create_date"),
                        $("address_id"),
                        $("is_deleted"),
                        $("deleted_at"),
                        $("source_version").as("c_version"),
                        $("source_ts").as("c_ts"));
        Table a =
                address.select(
                        $("address_id").as("a_address_id"),
                        $("address"),
                        $("address2"),
                        $("district"),
                        $("city_id").as("a_city_id"),
                        $("postal_code"),
                        $("phone"),
                        $("source_version").as("a_version"),
                        $("source_ts").as("a_ts"));
        Table ci =
                city.select(
                        $("city_id").as("ci_city_id"),
                        $("city"),
                        $("country_id").as("ci_country_id"),
                        $("source_version").as("ci_version"),
                        $("source_ts").as("ci_ts"));
        Table co =
                country.select(
                        $("country_id").as("co_country_id"),
                        $("country"),
                        $("source_version").as("co_version"),
                        $("source_ts").as("co_ts"));

        ApiExpression email =
                policy.mode() == EmailPolicy.Mode.PLAIN
                        ? $("email")
                        : call(policy.asFunction(), $("email"));

        return c.leftOuterJoin(a, $("address_id").isEqual($("a_address_id")))
                .leftOuterJoin(ci, $("a_city_id").isEqual($("ci_city_id")))
                .leftOuterJoin(co, $("ci_country_id").isEqual($("co_country_id")))
                .select(
                        $("customer_id"),
                        $("store_id"),
                        $("first_name"),
                        $("last_name"),
                        email.as("email"),
                        $("active"),
                        $("create_date"),
                        $("address_id"),
                        $("address"),
                        $("address2"),
                        $("district"),
                        $("postal_code"),
                        $("phone"),
                        $("a_city_id").as("city_id"),
                        $("city"),
                        $("ci_country_id").as("country_id"),
                        $("country"),
                        callSql("COALESCE(is_deleted, FALSE)").as("is_deleted"),
                        $("deleted_at"),
                        callSql(
                                        "GREATEST(COALESCE(c_version, 0), COALESCE(a_version, 0),"
                                                + " COALESCE(ci_version, 0), COALESCE(co_version, 0))")
                                .as("source_version"),
                        callSql(
                                        "GREATEST(c_ts, COALESCE(a_ts, c_ts), COALESCE(ci_ts, c_ts),"
                                                + " COALESCE(co_ts, c_ts))")
                                .as("source_ts"),
                        $("c_version").as(LatestCombination.PART_VERSIONS.get(0)),
                        $("a_version").as(LatestCombination.PART_VERSIONS.get(1)),
                        $("ci_version").as(LatestCombination.PART_VERSIONS.get(2)),
                        $("co_version").as(LatestCombination.PART_VERSIONS.get(3)));
    }
}
