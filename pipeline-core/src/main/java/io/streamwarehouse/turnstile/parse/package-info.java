/**
 * From a Kafka record to a turnstile reading or a reject: the record formats ({@link
 * io.streamwarehouse.turnstile.parse.RecordFormat}), their parsers and field rules, the plausible
 * reading times, and the Kafka deserializer that applies them in the source.
 */
package io.streamwarehouse.turnstile.parse;
