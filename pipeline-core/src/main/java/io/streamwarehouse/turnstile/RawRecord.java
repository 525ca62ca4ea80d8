package io.streamwarehouse.turnstile;

/**
 * A Kafka record exactly as it arrived. The job deserializes nothing at the source: parsing happens
 * in its own operator so a bad record becomes a reject row with its coordinates instead of a
 * deserialization failure that would stop the job.
 */
public class RawRecord {
    public String topic;
    public int partition;
    public long offset;
    public byte[] value;

    public RawRecord() {}

    public RawRecord(String topic, int partition, long offset, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.value = value;
    }
}
