package io.streamwarehouse.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class CustomerChangeTest {

    @Test
    void theEmailPolicyReachesBothRowImagesAndNothingElse() {
        CustomerChange raw = CustomerChange.parse(CdcEvents.MARIADB_UPDATE_CUSTOMER);
        CustomerChange hashed = raw.withEmailPolicy(EmailPolicy.hashed("key"));

        assertThat(hashed.before().get("email"))
                .isEqualTo(EmailPolicy.hashed("key").apply("HEATHER.TORRES@sakilacustomer.org"));
        assertThat(hashed.after().get("email"))
                .isEqualTo(EmailPolicy.hashed("key").apply("HEATHER.TORRES88@sakilacustomer.org"));
        assertThat(hashed.beforeJson() + hashed.afterJson()).doesNotContain("sakilacustomer");
        // everything else of the images, and the change's identity, as read
        Map<String, Object> after = new java.util.HashMap<>(raw.after());
        after.remove("email");
        Map<String, Object> hashedAfter = new java.util.HashMap<>(hashed.after());
        hashedAfter.remove("email");
        assertThat(hashedAfter).isEqualTo(after);
        assertThat(hashed.sourcePosition()).isEqualTo(raw.sourcePosition());
        assertThat(hashed.sourceVersion()).isEqualTo(raw.sourceVersion());

        assertThat(raw.withEmailPolicy(EmailPolicy.masked()).afterJson())
                .contains("\"H***@sakilacustomer.org\"");
        assertThat(raw.withEmailPolicy(EmailPolicy.plain())).isSameAs(raw);
        CustomerChange address =
                CustomerChange.parse(CdcEvents.MYSQL8_UPDATE_ADDRESS_WITHOUT_OFFSET);
        assertThat(address.withEmailPolicy(EmailPolicy.hashed("key"))).isSameAs(address);
    }

    @Test
    void parsesAMariaDbUpdateUsingTheOffsetNotTheBrokenEventPosition() {
        CustomerChange c = CustomerChange.parse(CdcEvents.MARIADB_UPDATE_CUSTOMER);
        assertThat(c.table()).isEqualTo(SourceTable.CUSTOMER);
        assertThat(c.op()).isEqualTo(CustomerChange.Op.UPDATE);
        assertThat(c.primaryKey()).isEqualTo(395);
        assertThat(c.key()).isEqualTo("customer:395");
        assertThat(c.database()).isEqualTo("sakila_it");
        assertThat(c.sourcePosition()).isEqualTo("mysql-bin.000001:603697:3:0");
        assertThat(c.sourceVersion()).isEqualTo(CustomerChange.mysqlVersion(1, 603697, 3));
        assertThat(c.sourceTimestamp()).isEqualTo(Instant.ofEpochMilli(1709271648000L));
        assertThat(c.before()).containsEntry("email", "HEATHER.TORRES@sakilacustomer.org");
        assertThat(c.after())
                .containsEntry("email", "HEATHER.TORRES88@sakilacustomer.org")
                .containsEntry("active", 1);
    }

    @Test
    void laterTransactionsGetHigherVersions() {
        CustomerChange update = CustomerChange.parse(CdcEvents.MARIADB_UPDATE_CUSTOMER);
        CustomerChange delete = CustomerChange.parse(CdcEvents.MARIADB_DELETE_CUSTOMER);
        assertThat(delete.sourceVersion()).isGreaterThan(update.sourceVersion());
        assertThat(delete.op()).isEqualTo(CustomerChange.Op.DELETE);
        assertThat(delete.after()).isNull();
        assertThat(delete.primaryKey()).isEqualTo(111);
    }

    @Test
    void versionIncreasesAlongTheBinlogAcrossEventsPositionsAndFiles() {
        long[] ordered = {
            CustomerChange.mysqlVersion(1, 4, 0),
            CustomerChange.mysqlVersion(1, 4, 1),
            CustomerChange.mysqlVersion(1, 4, 2047),
            CustomerChange.mysqlVersion(1, 5, 0),
            CustomerChange.mysqlVersion(1, 0xFFFF_FFFFL, 7),
            CustomerChange.mysqlVersion(2, 4, 0),
            CustomerChange.mysqlVersion((1 << 20) - 1, 0xFFFF_FFFFL, 2047)
        };
        for (int i = 1; i < ordered.length; i++) {
            assertThat(ordered[i]).isGreaterThan(ordered[i - 1]);
        }
        assertThat(ordered[ordered.length - 1]).isPositive();
        // Indexes past the slot width saturate instead of spilling into the position.
        assertThat(CustomerChange.mysqlVersion(1, 4, 5000))
                .isEqualTo(CustomerChange.mysqlVersion(1, 4, 2047));
        assertThatThrownBy(() -> CustomerChange.mysqlVersion(1, -170, 0))
                .isInstanceOf(ChangeParseException.class);
        assertThatThrownBy(() -> CustomerChange.mysqlVersion(1 << 20, 4, 0))
                .isInstanceOf(ChangeParseException.class);
    }

    @Test
    void binlogFileSequenceIsTheNumericExtension() {
        assertThat(CustomerChange.binlogSequence("mysql-bin.000003")).isEqualTo(3);
        assertThat(CustomerChange.binlogSequence("binlog.1000000")).isEqualTo(1_000_000);
        assertThatThrownBy(() -> CustomerChange.binlogSequence("mysql-bin"))
                .isInstanceOf(ChangeParseException.class);
    }

    @Test
    void mysql8WithoutOffsetUsesTheEventPositionAndRow() {
        CustomerChange c = CustomerChange.parse(CdcEvents.MYSQL8_UPDATE_ADDRESS_WITHOUT_OFFSET);
        assertThat(c.table()).isEqualTo(SourceTable.ADDRESS);
        assertThat(c.primaryKey()).isEqualTo(378);
        assertThat(c.sourcePosition()).isEqualTo("binlog.000007:9120:2");
        assertThat(c.sourceVersion()).isEqualTo(CustomerChange.mysqlVersion(7, 9120, 2));
    }

    @Test
    void mariaDbEventWithoutOffsetIsRejectedWithTheRemedy() {
        String withoutOffset =
                CdcEvents.MARIADB_UPDATE_CUSTOMER.substring(
                                0, CdcEvents.MARIADB_UPDATE_CUSTOMER.indexOf(",\"source_offset\""))
                        + "}";
        assertThatThrownBy(() -> CustomerChange.parse(withoutOffset))
                .isInstanceOf(ChangeParseException.class)
                .hasMessageContaining("binlog position -170 is unusable")
                .hasMessageContaining("ChangeEventDeserializer");
    }

    @Test
    void snapshotReadsHaveVersionZeroAndAContentBasedPosition() {
        CustomerChange c = CustomerChange.parse(CdcEvents.MYSQL_SNAPSHOT_CUSTOMER);
        assertThat(c.isSnapshot()).isTrue();
        assertThat(c.sourceVersion()).isZero();
        assertThat(c.sourcePosition()).startsWith("snapshot:").hasSize("snapshot:".length() + 24);
        // No commit time for snapshot rows: the connector's read time stands in.
        assertThat(c.sourceTimestamp()).isEqualTo(Instant.ofEpochMilli(1709271644229L));
        // The same row read again stages once; a changed row is a new position.
        assertThat(CustomerChange.parse(CdcEvents.MYSQL_SNAPSHOT_CUSTOMER).sourcePosition())
                .isEqualTo(c.sourcePosition());
        String changed =
                CdcEvents.MYSQL_SNAPSHOT_CUSTOMER.replace("MATTHEW.SANCHEZ@", "M.SANCHEZ@");
        assertThat(CustomerChange.parse(changed).sourcePosition()).isNotEqualTo(c.sourcePosition());
    }

    @Test
    void parsesPostgresChangesWithTheLsnAsVersion() {
        CustomerChange snapshot = CustomerChange.parse(CdcEvents.POSTGRES_SNAPSHOT_CUSTOMER);
        assertThat(snapshot.sourceVersion()).isZero();
        assertThat(snapshot.database()).isEqualTo("sakila_it.public");

        CustomerChange update = CustomerChange.parse(CdcEvents.POSTGRES_UPDATE_CUSTOMER);
        assertThat(update.sourceVersion()).isEqualTo(25056976L);
        assertThat(update.sourcePosition()).isEqualTo("lsn:0/17E56D0");
        assertThat(update.sourceTimestamp()).isEqualTo(Instant.ofEpochMilli(1709271720826L));
        assertThat(update.after()).containsEntry("activebool", false);

        CustomerChange delete = CustomerChange.parse(CdcEvents.POSTGRES_DELETE_CITY);
        assertThat(delete.table()).isEqualTo(SourceTable.CITY);
        assertThat(delete.key()).isEqualTo("city:2");
        assertThat(delete.sourceVersion()).isGreaterThan(update.sourceVersion());
    }

    @Test
    void lsnIsPrintedLikePostgres() {
        assertThat(CustomerChange.formatLsn(0x16B3748L)).isEqualTo("0/16B3748");
        assertThat(CustomerChange.formatLsn(0x1_0000_00FFL)).isEqualTo("1/FF");
    }

    @Test
    void acceptsTheEnvelopeWithASchema() {
        String wrapped =
                "{\"schema\":{\"type\":\"struct\"},\"payload\":"
                        + CdcEvents.POSTGRES_UPDATE_CUSTOMER
                        + "}";
        assertThat(CustomerChange.parse(wrapped))
                .isEqualTo(CustomerChange.parse(CdcEvents.POSTGRES_UPDATE_CUSTOMER));
    }

    @Test
    void rejectsWhatIsNotARowChangeOfACapturedTable() {
        assertThatThrownBy(() -> CustomerChange.parse("not json"))
                .isInstanceOf(ChangeParseException.class);
        assertThatThrownBy(() -> CustomerChange.parse("")).isInstanceOf(ChangeParseException.class);
        assertThatThrownBy(
                        () ->
                                CustomerChange.parse(
                                        CdcEvents.POSTGRES_DELETE_CITY.replace(
                                                "\"table\":\"city\"", "\"table\":\"rental\"")))
                .hasMessageContaining("'rental' is not a captured table");
        assertThatThrownBy(
                        () ->
                                CustomerChange.parse(
                                        CdcEvents.POSTGRES_DELETE_CITY.replace(
                                                "\"op\":\"d\"", "\"op\":\"t\"")))
                .hasMessageContaining("unsupported operation 't'");
        assertThatThrownBy(
                        () ->
                                CustomerChange.parse(
                                        CdcEvents.POSTGRES_DELETE_CITY.replace(
                                                "\"before\":{", "\"before\":null,\"x\":{")))
                .hasMessageContaining("no row image");
        assertThatThrownBy(
                        () ->
                                CustomerChange.parse(
                                        CdcEvents.POSTGRES_DELETE_CITY.replace(
                                                "\"city_id\":2,", "")))
                .hasMessageContaining("has no city_id");
    }

    @Test
    void isAFlinkPojoSoItIsNotSerializedWithKryo() {
        assertThat(TypeInformation.of(CustomerChange.class)).isInstanceOf(PojoTypeInfo.class);
    }
}
