package io.streamwarehouse.customer;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * The four captured source tables, with their primary key and the <em>tracked</em> columns: the
 * ones that reach the dimension. A change that alters none of them (for example only {@code
 * last_update} moved, or the PostgreSQL-only legacy {@code active} integer) is a no-op for the
 * warehouse.
 *
 * <p>Each table's normalized row is {@code [primary key, tracked columns..., (customer only:
 * is_deleted, deleted_at), source_version, source_ts]}. Customers are deleted softly so the
 * dimension keeps their row; addresses, cities and countries are deleted for real.
 */
public enum SourceTable {
    COUNTRY("country", Column.integer("country_id"), List.of(Column.text("country")), false),
    CITY(
            "city",
            Column.integer("city_id"),
            List.of(Column.text("city"), Column.integer("country_id")),
            false),
    ADDRESS(
            "address",
            Column.integer("address_id"),
            List.of(
                    Column.text("address"),
                    Column.text("address2"),
                    Column.text("district"),
                    Column.integer("city_id"),
                    Column.text("postal_code"),
                    Column.text("phone")),
            false),
    CUSTOMER(
            "customer",
            Column.integer("customer_id"),
            List.of(
                    Column.integer("store_id"),
                    Column.text("first_name"),
                    Column.text("last_name"),
                    Column.text("email"),
                    Column.integer("address_id"),
                    // PostgreSQL (pagila) keeps the flag in activebool; its integer "active" is
                    // legacy.
                    new Column("active", Kind.BOOLEAN, List.of("activebool", "active")),
                    // MySQL DATETIME, PostgreSQL DATE: both become wall-clock TIMESTAMP.
                    new Column("create_date", Kind.TIMESTAMP, List.of("create_date"))),
            true);

    public static final String IS_DELETED = "is_deleted";
    public static final String DELETED_AT = "deleted_at";
    public static final String SOURCE_VERSION = "source_version";
    public static final String SOURCE_TS = "source_ts";

    private final String tableName;
    private final Column primaryKey;
    private final List<Column> tracked;
    private final boolean softDeletes;

    SourceTable(String tableName, Column primaryKey, List<Column> tracked, boolean softDeletes) {
        this.tableName = tableName;
        this.primaryKey = primaryKey;
        this.tracked = tracked;
        this.softDeletes = softDeletes;
    }

    /** The table for a source table name, or {@code null} if it is not one of the four. */
    public static SourceTable ofName(String name) {
        for (SourceTable t : values()) {
            if (t.tableName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }

    public String tableName() {
        return tableName;
    }

    public String primaryKeyColumn() {
        return primaryKey.name;
    }

    public List<String> trackedColumns() {
        List<String> names = new ArrayList<>();
        for (Column c : tracked) {
            names.add(c.name);
        }
        return Collections.unmodifiableList(names);
    }

    /** Whether a delete of this table becomes an update with {@code is_deleted = true}. */
    public boolean softDeletes() {
        return softDeletes;
    }

    /** Names of the normalized row's fields, in order. */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        names.add(primaryKey.name);
        names.addAll(trackedColumns());
        if (softDeletes) {
            names.add(IS_DELETED);
            names.add(DELETED_AT);
        }
        names.add(SOURCE_VERSION);
        names.add(SOURCE_TS);
        return Collections.unmodifiableList(names);
    }

    /** Flink type of the normalized row (named fields), used for state and for the DataStream. */
    public RowTypeInfo rowType() {
        List<TypeInformation<?>> types = new ArrayList<>();
        types.add(primaryKey.kind.typeInfo);
        for (Column c : tracked) {
            types.add(c.kind.typeInfo);
        }
        if (softDeletes) {
            types.add(Types.BOOLEAN);
            types.add(Types.INSTANT);
        }
        types.add(Types.LONG);
        types.add(Types.INSTANT);
        return new RowTypeInfo(
                types.toArray(new TypeInformation<?>[0]), fieldNames().toArray(new String[0]));
    }

    /** Table API schema of the normalized rows: the primary key is declared so joins key by it. */
    public Schema schema() {
        Schema.Builder b = Schema.newBuilder();
        b.column(primaryKey.name, primaryKey.kind.dataType().notNull());
        for (Column c : tracked) {
            b.column(c.name, c.kind.dataType());
        }
        if (softDeletes) {
            b.column(IS_DELETED, DataTypes.BOOLEAN());
            b.column(DELETED_AT, DataTypes.TIMESTAMP_LTZ(3));
        }
        b.column(SOURCE_VERSION, DataTypes.BIGINT());
        b.column(SOURCE_TS, DataTypes.TIMESTAMP_LTZ(3));
        b.primaryKey(primaryKey.name);
        return b.build();
    }

    /**
     * The normalized changelog stream of this table as a Table with a declared primary key. The
     * stream must carry full retractions (INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE), which is
     * what {@link ChangeNormalizer} emits.
     */
    public Table toTable(StreamTableEnvironment tableEnv, DataStream<Row> normalized) {
        return tableEnv.fromChangelogStream(normalized, schema(), ChangelogMode.all());
    }

    int versionIndex() {
        return fieldCount() - 2;
    }

    int timestampIndex() {
        return fieldCount() - 1;
    }

    int isDeletedIndex() {
        return softDeletes ? tracked.size() + 1 : -1;
    }

    int deletedAtIndex() {
        return softDeletes ? tracked.size() + 2 : -1;
    }

    int fieldCount() {
        return 1 + tracked.size() + (softDeletes ? 2 : 0) + 2;
    }

    /**
     * Builds a normalized row from a row image. Columns that are absent from the image stay null,
     * so a PostgreSQL delete without REPLICA IDENTITY FULL still yields the key.
     */
    Row image(
            Map<String, Object> values,
            RowKind kind,
            long version,
            Instant sourceTs,
            boolean deleted,
            Instant deletedAt) {
        Row row = new Row(kind, fieldCount());
        row.setField(0, primaryKey.read(values));
        for (int i = 0; i < tracked.size(); i++) {
            row.setField(1 + i, tracked.get(i).read(values));
        }
        if (softDeletes) {
            row.setField(isDeletedIndex(), deleted);
            row.setField(deletedAtIndex(), deletedAt);
        }
        row.setField(versionIndex(), version);
        row.setField(timestampIndex(), sourceTs);
        return row;
    }

    /** A copy of {@code row} with another kind, version and timestamp (and deletion flag). */
    Row restamp(Row row, RowKind kind, long version, Instant sourceTs) {
        Row copy = Row.copy(row);
        copy.setKind(kind);
        copy.setField(versionIndex(), version);
        copy.setField(timestampIndex(), sourceTs);
        return copy;
    }

    Row markDeleted(Row row, RowKind kind, long version, Instant sourceTs) {
        Row copy = restamp(row, kind, version, sourceTs);
        copy.setField(isDeletedIndex(), true);
        copy.setField(deletedAtIndex(), sourceTs);
        return copy;
    }

    Row withKind(Row row, RowKind kind) {
        Row copy = Row.copy(row);
        copy.setKind(kind);
        return copy;
    }

    boolean isDeleted(Row row) {
        return softDeletes && Boolean.TRUE.equals(row.getField(isDeletedIndex()));
    }

    /**
     * Whether two normalized rows agree on everything the dimension shows: the key, the tracked
     * columns and the deletion flag. Version and timestamps are deliberately ignored: a change that
     * only moves them is the no-op this job drops.
     */
    boolean sameContent(Row a, Row b) {
        int last = softDeletes ? isDeletedIndex() : tracked.size();
        for (int i = 0; i <= last; i++) {
            if (!Objects.equals(a.getField(i), b.getField(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why a row image with these columns (name to Kafka Connect type, see {@link SourceColumns})
     * can no longer be mapped onto the dimension: a column it reads is gone, or has a type its
     * dimension column cannot hold. Null if the mapping still holds.
     */
    String mappingProblem(Map<String, String> columns) {
        List<Column> read = new ArrayList<>();
        read.add(primaryKey);
        read.addAll(tracked);
        for (Column column : read) {
            String source = column.sourceIn(columns);
            if (source == null) {
                return "source column "
                        + tableName
                        + "."
                        + column.sourceNames.get(0)
                        + " is gone, and the dimension's "
                        + column.name
                        + " is read from it: add the column back to the source table, then reload"
                        + " with ./pipeline resnapshot customer-dimension";
            }
            String type = columns.get(source);
            if (!SourceColumns.UNKNOWN.equals(type) && !column.kind.holds(type)) {
                return "source column "
                        + tableName
                        + "."
                        + source
                        + " is now of type "
                        + type
                        + ", which the dimension's "
                        + column.name
                        + " ("
                        + column.kind
                        + ") cannot hold: change the column's type back in the source, then reload"
                        + " with ./pipeline resnapshot customer-dimension";
            }
        }
        return null;
    }

    /** The primary key of a row image, or {@code null} if the image has none. */
    Integer primaryKeyOf(Map<String, Object> values) {
        return values == null ? null : (Integer) primaryKey.read(values);
    }

    /** Logical Connect types that hold a date or a date-time. */
    private static final Set<String> TEMPORAL =
            Set.of(
                    "io.debezium.time.Date",
                    "io.debezium.time.Timestamp",
                    "io.debezium.time.MicroTimestamp",
                    "io.debezium.time.NanoTimestamp",
                    "io.debezium.time.ZonedTimestamp",
                    "org.apache.kafka.connect.data.Date",
                    "org.apache.kafka.connect.data.Timestamp");

    enum Kind {
        INTEGER(Types.INT),
        TEXT(Types.STRING),
        BOOLEAN(Types.BOOLEAN),
        TIMESTAMP(Types.LOCAL_DATE_TIME);

        final TypeInformation<?> typeInfo;

        Kind(TypeInformation<?> typeInfo) {
            this.typeInfo = typeInfo;
        }

        /**
         * Whether values of a Kafka Connect type (as {@link SourceColumns} names it) convert to
         * this kind without losing what they mean. A logical type such as {@code
         * io.debezium.time.Year} on an integer rules it out for INTEGER (a year is no key) and for
         * TIMESTAMP (it holds no date); text takes any scalar.
         */
        boolean holds(String connectType) {
            String[] parts = connectType.split(" ", 2);
            String type = parts[0];
            String logical = parts.length > 1 ? parts[1] : null;
            switch (this) {
                case INTEGER:
                    return logical == null && type.matches("int(8|16|32|64)");
                case TEXT:
                    return type.matches("string|int(8|16|32|64)|float(32|64)|double|boolean");
                case BOOLEAN:
                    return logical == null && type.matches("boolean|int8|int16");
                default:
                    return logical != null && TEMPORAL.contains(logical);
            }
        }

        DataType dataType() {
            switch (this) {
                case INTEGER:
                    return DataTypes.INT();
                case TEXT:
                    return DataTypes.STRING();
                case BOOLEAN:
                    return DataTypes.BOOLEAN();
                default:
                    return DataTypes.TIMESTAMP(3);
            }
        }
    }

    /** A dimension column and the source column(s) it is read from, first present one wins. */
    static final class Column {
        final String name;
        final Kind kind;
        final List<String> sourceNames;

        Column(String name, Kind kind, List<String> sourceNames) {
            this.name = name;
            this.kind = kind;
            this.sourceNames = sourceNames;
        }

        static Column integer(String name) {
            return new Column(name, Kind.INTEGER, List.of(name));
        }

        static Column text(String name) {
            return new Column(name, Kind.TEXT, List.of(name));
        }

        /** The first of this column's source names that the columns have, or null. */
        String sourceIn(Map<String, ?> columns) {
            for (String source : sourceNames) {
                if (columns.containsKey(source)) {
                    return source;
                }
            }
            return null;
        }

        /**
         * @throws ChangeParseException naming the column when its value does not fit (a key or an
         *     integer widened at the source past what INTEGER holds)
         */
        Object read(Map<String, Object> values) {
            String source = sourceIn(values);
            if (source == null) {
                return null;
            }
            try {
                return convert(values.get(source));
            } catch (RuntimeException e) {
                // the message names the column and the kind, never the value: it may be personal
                throw new ChangeParseException(
                        "the value of "
                                + source
                                + " does not fit "
                                + kind
                                + " ("
                                + e.getMessage()
                                + ")",
                        e);
            }
        }

        private Object convert(Object raw) {
            switch (kind) {
                case INTEGER:
                    return SourceValues.toInteger(raw);
                case TEXT:
                    return SourceValues.toText(raw);
                case BOOLEAN:
                    return SourceValues.toBoolean(raw);
                default:
                    LocalDateTime t = SourceValues.toLocalDateTime(raw);
                    return t;
            }
        }
    }
}
