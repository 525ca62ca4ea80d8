package io.streamwarehouse.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.customer.CustomerChange;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotEpochTest {

    @Test
    void aFreshStartTakesTheProposedEpochARestoreKeepsItsOwn() {
        assertThat(SnapshotEpoch.kept(List.of(), 200L)).isEqualTo(200L);
        assertThat(SnapshotEpoch.kept(List.of(100L, 100L), 200L)).isEqualTo(100L);
    }

    @Test
    void theDimensionUpsertOrdersByEpochThenVersion() {
        String sql = new DimCustomerWriter(5L).sql();
        assertThat(sql)
                .contains(
                        "WHERE (d.snapshot_epoch, d.source_version)"
                                + " <= (EXCLUDED.snapshot_epoch, EXCLUDED.source_version)")
                .contains("snapshot_epoch = EXCLUDED.snapshot_epoch");
    }

    @Test
    void eachSnapshotStagesItsReadsUnderItsEpochWhileStreamedChangesKeepTheirPosition() {
        CustomerChange read =
                new CustomerChange(
                        io.streamwarehouse.customer.SourceTable.CITY,
                        CustomerChange.Op.READ,
                        1,
                        0L,
                        "snapshot:abc",
                        null,
                        "db",
                        null,
                        "{}");
        assertThat(read.sourcePositionIn(0L)).isEqualTo("snapshot:abc");
        assertThat(read.sourcePositionIn(42L)).isEqualTo("snapshot:42:abc");
        CustomerChange streamed =
                new CustomerChange(
                        io.streamwarehouse.customer.SourceTable.CITY,
                        CustomerChange.Op.UPDATE,
                        1,
                        7L,
                        "lsn:0/1",
                        null,
                        "db",
                        "{}",
                        "{}");
        assertThat(streamed.sourcePositionIn(42L)).isEqualTo("lsn:0/1");
    }
}
