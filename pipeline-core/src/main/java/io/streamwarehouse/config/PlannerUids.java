package io.streamwarehouse.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.transformations.PhysicalTransformation;

/**
 * Stable uids for the operators the Table API planner makes (the dimension join, the windows).
 *
 * <p>Those operators keep state, and a checkpoint or savepoint maps state to operators by uid. The
 * planner's own uids ({@code table.exec.uid.generation}) start with an exec node id taken from a
 * counter that is global to the JVM ({@code 12_join}), so they differ whenever anything was planned
 * before in the same JVM: a second submission from one client, the sandbox building both jobs, jar
 * runs on a session cluster's JobManager, a restore in the local mini cluster. The job then cannot
 * restore its own checkpoint. Compiled plans would pin the ids too, but they cannot hold a query
 * that starts and ends in a DataStream.
 */
public final class PlannerUids {

    private static final Pattern PLANNER_NODE_ID = Pattern.compile("^\\d+_");

    private PlannerUids() {}

    /**
     * Gives {@code output} and every planner-made operator upstream of it (up to the job's own
     * operators, which keep their uids) the uid {@code prefix/position-kind}, e.g. {@code
     * customer-dimension-rows/7-join}: the position counts operators inputs first in a fixed walk
     * of the query, the kind is the planner's name for the transformation. A changed query changes
     * positions or kinds, which is right: the planner promises no compatible state for it anyway.
     *
     * @param output the planner's last transformation: the conversion back to a DataStream
     */
    public static void pin(Transformation<?> output, String prefix) {
        List<Transformation<?>> inputsFirst = new ArrayList<>();
        collectInputsFirst(output, new HashSet<>(), inputsFirst);
        int position = 0;
        for (Transformation<?> t : inputsFirst) {
            if (!(t instanceof PhysicalTransformation)) {
                continue; // partitioning only: no operator, no state
            }
            position++;
            String plannerUid = t.getUid();
            String kind =
                    plannerUid == null
                            ? t.getClass().getSimpleName()
                            : PLANNER_NODE_ID.matcher(plannerUid).replaceFirst("");
            t.setUid(prefix + "/" + position + "-" + kind);
        }
    }

    private static void collectInputsFirst(
            Transformation<?> t, Set<Integer> seen, List<Transformation<?>> out) {
        boolean ours = t.getUid() != null && !PLANNER_NODE_ID.matcher(t.getUid()).find();
        if (ours || !seen.add(t.getId())) {
            return;
        }
        for (Transformation<?> input : t.getInputs()) {
            collectInputsFirst(input, seen, out);
        }
        out.add(t);
    }
}
