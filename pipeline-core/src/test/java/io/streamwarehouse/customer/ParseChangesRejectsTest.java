package io.streamwarehouse.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Events the job cannot apply go to the rejects side output, whole, never dropped silently. */
class ParseChangesRejectsTest {

    private static final String EMAIL = "HEATHER.TORRES88@sakilacustomer.org";

    private static List<SourceReject> rejectsOf(EmailPolicy policy, String... events)
            throws Exception {
        try (var harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(
                                new ParseChanges(SchemaChangeBehavior.LENIENT, policy)))) {
            harness.open();
            for (String event : events) {
                harness.processElement(event, 0);
            }
            assertThat(harness.extractOutputValues()).as("nothing reaches staging").isEmpty();
            return harness.getSideOutput(ParseChanges.REJECTS).stream()
                    .map(StreamRecord::getValue)
                    .toList();
        }
    }

    /** A customer_id widened to BIGINT past what the dimension's INTEGER key holds. */
    @Test
    void aKeyPastIntegerIsRejectedWithItsTablePositionKeyAndReason() throws Exception {
        String event = CdcEvents.MARIADB_UPDATE_CUSTOMER.replace("395", "3000000000");
        List<SourceReject> rejects = rejectsOf(EmailPolicy.hashed("k"), event, event);

        assertThat(rejects).hasSize(2);
        SourceReject reject = rejects.get(0);
        assertThat(reject.sourceTable).isEqualTo("customer");
        assertThat(reject.recordKey).isEqualTo("3000000000");
        assertThat(reject.sourcePosition).isEqualTo("mysql-bin.000001:-170");
        assertThat(reject.reason).contains("customer_id").contains("does not fit INTEGER");
        assertThat(reject.eventId)
                .as("a replay is the same event")
                .isEqualTo(rejects.get(1).eventId);
        assertThat(reject.event)
                .doesNotContain(EMAIL)
                .contains(EmailPolicy.hashed("k").apply(EMAIL));
    }

    /** A non-key integer widened at the source and holding a value the column cannot. */
    @Test
    void aValuePastItsColumnIsRejectedNotFailedDownstream() throws Exception {
        String event =
                CdcEvents.MARIADB_UPDATE_CUSTOMER.replace(
                        "\"address_id\":399", "\"address_id\":9000000000");
        List<SourceReject> rejects = rejectsOf(EmailPolicy.masked(), event);

        assertThat(rejects)
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.reason).contains("address_id");
                            assertThat(r.recordKey).isEqualTo("395");
                            assertThat(r.event).doesNotContain(EMAIL);
                        });
    }

    @Test
    void anEventThatIsNotJsonIsRejectedByItsHashWithoutItsText() throws Exception {
        List<SourceReject> rejects = rejectsOf(EmailPolicy.plain(), "{not json", "{not json");

        assertThat(rejects).hasSize(2);
        assertThat(rejects.get(0).reason).startsWith("not JSON");
        assertThat(rejects.get(0).event).isNull();
        assertThat(rejects.get(0).eventId).startsWith("sha256:").isEqualTo(rejects.get(1).eventId);
    }

    @Test
    void anEventOfATableThatIsNotCapturedIsRejectedNamingIt() throws Exception {
        String event =
                CdcEvents.MARIADB_UPDATE_CUSTOMER.replace(
                        "\"table\":\"customer\"", "\"table\":\"payment\"");
        assertThat(rejectsOf(EmailPolicy.plain(), event))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.sourceTable).isEqualTo("payment");
                            assertThat(r.reason).contains("not a captured table");
                        });
    }
}
