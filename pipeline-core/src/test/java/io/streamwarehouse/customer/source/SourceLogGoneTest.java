package io.streamwarehouse.customer.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceLogGoneTest {

    /** Flink CDC's own words when the binlog file of a restored position was purged. */
    private static final String FLINK_CDC =
            "The connector is trying to read binlog starting at Struct{version=1.9.8.Final,...},"
                    + " but this is no longer available on the server. Reconfigure the connector to"
                    + " use a snapshot when needed.";

    @Test
    void aPurgedPositionIsFoundAmongTheCauses() {
        Exception failure =
                new RuntimeException(
                        "One or more fetchers have encountered exception",
                        new IllegalStateException(FLINK_CDC));
        assertThat(SourceLogGone.isCause(failure)).isTrue();
        assertThat(SourceLogGone.isCause(new RuntimeException("connection refused"))).isFalse();
        assertThat(SourceLogGone.isCause((String) null)).isFalse();
    }
}
