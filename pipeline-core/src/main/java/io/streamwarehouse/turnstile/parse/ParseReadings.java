package io.streamwarehouse.turnstile.parse;

import io.streamwarehouse.turnstile.Reject;
import io.streamwarehouse.turnstile.RejectReason;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits what the source parsed ({@link ReadingDeserializer}) into readings and {@link #REJECTS},
 * counting both, rejects per reason: bad input never fails the job.
 */
public final class ParseReadings extends ProcessFunction<ParseResult, TurnstileReading> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Reject> REJECTS =
            new OutputTag<>("turnstile-parse-rejects", TypeInformation.of(Reject.class));

    public static final String METRIC_PARSED = "turnstileRecordsParsed";
    public static final String METRIC_REJECTED = "turnstileRecordsRejected";

    private transient Counter parsed;
    private transient Counter rejected;
    private transient Map<String, Counter> rejectedByReason;

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        parsed = metrics.counter(METRIC_PARSED);
        rejected = metrics.counter(METRIC_REJECTED);
        rejectedByReason = new HashMap<>();
        MetricGroup byReason = metrics.addGroup("rejectReason");
        for (RejectReason reason : RejectReason.values()) {
            rejectedByReason.put(reason.code(), byReason.counter(reason.code()));
        }
    }

    @Override
    public void processElement(ParseResult record, Context ctx, Collector<TurnstileReading> out) {
        if (record.isOk()) {
            parsed.inc();
            out.collect(record.reading);
        } else {
            rejected.inc();
            Counter byReason = rejectedByReason.get(record.reject.reason);
            if (byReason != null) {
                byReason.inc();
            }
            ctx.output(REJECTS, record.reject);
        }
    }
}
