package io.streamwarehouse.turnstile;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses raw Kafka records into readings. A record that cannot be used goes to {@link #REJECTS}
 * with its reason and coordinates, and is counted per reason: bad input never fails the job.
 */
public final class ParseReadings extends ProcessFunction<RawRecord, TurnstileReading> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Reject> REJECTS =
            new OutputTag<>("turnstile-parse-rejects", TypeInformation.of(Reject.class));

    public static final String METRIC_PARSED = "turnstileRecordsParsed";
    public static final String METRIC_REJECTED = "turnstileRecordsRejected";

    private final TurnstileParser parser;

    private transient Counter parsed;
    private transient Counter rejected;
    private transient Map<RejectReason, Counter> rejectedByReason;

    public ParseReadings(TurnstileParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        parsed = metrics.counter(METRIC_PARSED);
        rejected = metrics.counter(METRIC_REJECTED);
        rejectedByReason = new EnumMap<>(RejectReason.class);
        MetricGroup byReason = metrics.addGroup("rejectReason");
        for (RejectReason reason : RejectReason.values()) {
            rejectedByReason.put(reason, byReason.counter(reason.code()));
        }
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<TurnstileReading> out) {
        ParseResult result =
                parser.parse(record.topic, record.partition, record.offset, record.value);
        if (result.isOk()) {
            parsed.inc();
            out.collect(result.reading());
        } else {
            Reject reject = result.reject();
            rejected.inc();
            for (RejectReason reason : RejectReason.values()) {
                if (reason.code().equals(reject.reason)) {
                    rejectedByReason.get(reason).inc();
                }
            }
            ctx.output(REJECTS, reject);
        }
    }
}
