package io.streamwarehouse.customer;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses CDC change events. An event that is not a row change of the four captured tables (a schema
 * change, a heartbeat, a table added to the source later) is counted and logged, not staged: the
 * dimension cannot use it, and failing the job on it would stop every load.
 */
public final class ParseChanges extends ProcessFunction<String, CustomerChange> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseChanges.class);

    public static final String METRIC_READ = "customerChangesRead";
    public static final String METRIC_IGNORED = "customerChangesIgnored";

    private transient Counter read;
    private transient Counter ignored;

    @Override
    public void open(OpenContext openContext) {
        read = getRuntimeContext().getMetricGroup().counter(METRIC_READ);
        ignored = getRuntimeContext().getMetricGroup().counter(METRIC_IGNORED);
    }

    @Override
    public void processElement(String json, Context ctx, Collector<CustomerChange> out) {
        try {
            out.collect(CustomerChange.parse(json));
            read.inc();
        } catch (ChangeParseException e) {
            ignored.inc();
            // the event itself holds personal data (names, e-mail, addresses): never logged
            LOG.warn(
                    "ignored change event ({}), {} characters",
                    e.getMessage(),
                    json == null ? 0 : json.length());
        }
    }
}
