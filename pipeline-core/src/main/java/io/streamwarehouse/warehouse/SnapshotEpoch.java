package io.streamwarehouse.warehouse;

import java.io.Serializable;

/**
 * The epoch of a job lifetime: from a start without state (and so with a fresh snapshot of the
 * source) to the next one. Rows of the customer dimension are ordered by {@code (snapshot_epoch,
 * source_version)}: a snapshot read carries version 0 and no log position, so only the epoch lets a
 * new snapshot's reads win over what an older lifetime wrote, while the changes the same lifetime
 * streams afterwards still win over its reads.
 *
 * <p>The epoch is the time the job graph of a fresh start was built, in epoch milliseconds. It is
 * kept in the writers' checkpointed state, so a restore (failover, upgrade from a savepoint) stays
 * in its lifetime even though the restored graph proposes a new time.
 */
public final class SnapshotEpoch {
    private SnapshotEpoch() {}

    /** A writer whose rows carry the epoch of the job lifetime that wrote them. */
    public interface Stamped {
        /** The epoch this writer stamps on its rows. */
        Current epoch();
    }

    /**
     * The epoch a writer stamps: the one proposed at a fresh start, until a restore replaces it
     * with the one its lifetime began with.
     */
    public static final class Current implements Serializable {
        private static final long serialVersionUID = 1L;

        private long value;

        public Current(long proposed) {
            this.value = proposed;
        }

        public long value() {
            return value;
        }

        void continueWith(long restored) {
            this.value = restored;
        }
    }

    /** The epoch a new lifetime proposes: now. */
    public static long proposeNew() {
        return System.currentTimeMillis();
    }

    /**
     * The epoch of a writer after (re)start: the restored one if its state holds any (all its
     * subtasks keep the same value; the greatest wins should they not), else the proposed one.
     */
    public static long kept(Iterable<Long> restored, long proposed) {
        Long kept = null;
        for (Long epoch : restored) {
            if (epoch != null && (kept == null || epoch > kept)) {
                kept = epoch;
            }
        }
        return kept == null ? proposed : kept;
    }
}
