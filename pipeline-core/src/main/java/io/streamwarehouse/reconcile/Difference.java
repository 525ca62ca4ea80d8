package io.streamwarehouse.reconcile;

/**
 * One thing the warehouse and its sources disagree on.
 *
 * @param check the rule that found it, e.g. {@code dimension}
 * @param item what differs: a customer id, a window, a load
 * @param detail how it differs, naming columns but never their values (it is stored in the audit)
 * @param fingerprint the values on both sides, kept in memory only: the same difference seen twice
 *     with the same fingerprint has settled, one whose values moved is still in flight
 */
public record Difference(String check, String item, String detail, String fingerprint) {

    /** The identity of a difference across two looks: what differs, and the values it involved. */
    String settledKey() {
        return check + "\u0000" + item + "\u0000" + fingerprint;
    }

    @Override
    public String toString() {
        return check + " " + item + ": " + detail;
    }
}
