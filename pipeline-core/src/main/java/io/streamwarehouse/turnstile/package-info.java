/**
 * NYC MTA turnstile readings: model, counter deltas and window queries; the record formats and
 * their parsers are in {@code turnstile.parse}.
 *
 * <h2>Flow</h2>
 *
 * <pre>
 * Kafka value --{@link io.streamwarehouse.turnstile.parse.TurnstileParser}--> TurnstileReading | Reject
 *   --keyBy {@link io.streamwarehouse.turnstile.TurnstileKey}--> {@link io.streamwarehouse.turnstile.CounterDeltaOperator}
 *        --> TurnstileDelta (main) | CounterAnomaly (side: ANOMALIES) | Reject late (side: LATE),
 *            the watermark forwarded the allowed lateness behind
 *   --{@link io.streamwarehouse.turnstile.TurnstileWindows#deltaTable}--> Table
 *   --perTurnstile / stationRollup (TUMBLE or HOP)--> window rows
 * </pre>
 *
 * <h2>Counter rules</h2>
 *
 * <p>Written once, here; {@link io.streamwarehouse.turnstile.CounterDeltas} applies them in this
 * order, each in the method named after it.
 *
 * <ol>
 *   <li><b>Order.</b> A turnstile is (C/A, UNIT, SCP, STATION). Its readings are taken in
 *       reading-time order (local wall clock, read as UTC for event time), whatever the arrival
 *       order: each reading waits among its turnstile's pending readings until the watermark passes
 *       its time plus {@code turnstile.allowed-lateness}.
 *   <li><b>Late.</b> A reading arriving after that point is rejected with reason {@code late}.
 *   <li><b>Duplicates.</b> Two readings of one turnstile at the same time: REGULAR over RECOVR AUD,
 *       then the first to arrive; the other is dropped and counted (a Kafka redelivery collapses
 *       the same way).
 *   <li><b>Baseline.</b> The first reading of a turnstile gives no delta.
 *   <li><b>Gap.</b> Readings more than {@code turnstile.max-gap} (24 h) apart: no delta, the later
 *       one is the new baseline, a {@code gap} record per counter.
 *   <li><b>Delta.</b> |this - previous| for ENTRIES and EXITS, judged separately, because many
 *       registers count backwards.
 *   <li><b>Anomaly.</b> A counter's delta above {@code turnstile.max-per-hour} (2000) x max(1,
 *       hours between the readings), rounded down, is an {@code anomaly} (a reset, a wrap near
 *       2^31, a jump of millions): not counted (contributes 0), recorded with both readings and the
 *       threshold; the reading still becomes the baseline. A delta row is emitted when at least one
 *       counter was counted, at the later reading's time.
 *   <li><b>Interval mode.</b> {@code turnstile.counter-mode=interval}: each ordered, deduplicated
 *       reading is its own delta, with no baseline or gap; a count above {@code
 *       turnstile.max-interval-count} is an {@code anomaly} and contributes 0.
 *   <li><b>Retention.</b> A baseline not followed by a reading within the baseline retention (7
 *       days, never less than max-gap) is removed by an event-time timer; the next reading starts
 *       afresh.
 * </ol>
 */
package io.streamwarehouse.turnstile;
