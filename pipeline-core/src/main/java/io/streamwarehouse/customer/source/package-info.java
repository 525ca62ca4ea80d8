/**
 * The OLTP database the customer dimension reads: its dialects, JDBC connection, the scripts that
 * set it up, and the checks that it is ready for change data capture.
 */
package io.streamwarehouse.customer.source;
