package io.streamwarehouse.local.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamwarehouse.customer.source.SourceLogGone;
import io.streamwarehouse.local.flink.LocalCluster.LocalClusterException;
import io.streamwarehouse.local.services.MariaDbExtension;
import io.streamwarehouse.warehouse.SnapshotSweep;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-snapshot over the MariaDB binlog, then the case that calls for one: a restore whose binlog
 * position was purged stops with what to do instead of restarting for ever, and the re-snapshot it
 * names brings the dimension back to the source join.
 */
class CustomerResnapshotMariaDbITCase extends CustomerResnapshotContract {
    private static final Logger LOG =
            LoggerFactory.getLogger(CustomerResnapshotMariaDbITCase.class);

    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();

    @Override
    protected SakilaSource createSource() throws Exception {
        return SakilaSource.mariaDb(MARIADB, "cdc_resnap_maria", "5700-5704");
    }

    @Test
    @Order(3)
    void purgedBinlogStopsTheRestoreWithWhatToDo() throws Exception {
        changes.applyAny(3);
        awaitDimension(this::expectedAfterResnapshot);
        job.cancel();
        Path checkpoint = job.latestCheckpoint();
        changes.applyAny(2);
        purgeBinlogsUpToANewOne();

        // it may fail before it is ever seen RUNNING
        job.submitRestoring(checkpoint);
        assertThat(job.awaitFailedForGood())
                .as("the job fails for good instead of restarting on a purged position")
                .contains(SourceLogGone.MESSAGE)
                .contains("./pipeline resnapshot customer-dimension");
        assertThatThrownBy(job::checkUnrecoverable)
                .as("what ./pipeline run prints")
                .isInstanceOf(LocalClusterException.class)
                .hasMessage(SourceLogGone.MESSAGE)
                .extracting(e -> ((LocalClusterException) e).hint())
                .asString()
                .contains("./pipeline resnapshot customer-dimension");

        // the recovery the message names
        Instant since = Instant.now();
        job.startFresh(config -> config);
        SnapshotSweep.Result result =
                new SnapshotSweep(job.jobConfig())
                        .awaitAndSweep(since, CustomerJobRun.TIMEOUT, LOG::info);
        awaitDimension(this::expectedAfterResnapshot);
        assertThat(result.customers()).isEqualTo(source.joinedCustomers().size());
    }

    /**
     * Starts a new binlog file and purges every older one. MariaDB keeps a file while a binlog dump
     * thread still reads it, and the cancelled job's thread ends only when the server notices its
     * closed connection: such threads of this test's CDC user are killed until the purge goes
     * through.
     */
    private void purgeBinlogsUpToANewOne() throws Exception {
        try (Connection admin = source.openAdmin();
                Statement st = admin.createStatement()) {
            st.execute("FLUSH BINARY LOGS");
            String newest = binlogs(st).get(binlogs(st).size() - 1);
            await("binlogs before " + newest + " purged")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> {
                                for (long thread : dumpThreads(st)) {
                                    st.execute("KILL " + thread);
                                }
                                st.execute("PURGE BINARY LOGS TO '" + newest + "'");
                                return binlogs(st).equals(List.of(newest));
                            });
        }
    }

    private static List<String> binlogs(Statement st) throws Exception {
        List<String> files = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        return files;
    }

    private List<Long> dumpThreads(Statement st) throws Exception {
        List<Long> threads = new ArrayList<>();
        try (ResultSet rs =
                st.executeQuery(
                        "SELECT id FROM information_schema.processlist"
                                + " WHERE command LIKE 'Binlog Dump%' AND user = '"
                                + source.cdcUser
                                + "'")) {
            while (rs.next()) {
                threads.add(rs.getLong(1));
            }
        }
        return threads;
    }
}
