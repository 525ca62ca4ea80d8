package io.streamwarehouse.local.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.apache.flink.runtime.jobmanager.HighAvailabilityMode;

/**
 * What the Flink Kubernetes Operator does with a FlinkDeployment before anything reaches the API
 * server, for the parts that decide whether the manifests in {@code deploy/k8s} deploy.
 *
 * <p>Only the operator's model ({@code flink-kubernetes-operator-api}) is published; its validator
 * ({@code DefaultValidator}) and pod-template merge ({@code FlinkUtils.mergePodTemplates}) live in
 * the operator's own module, which is not. Both are reproduced here from the operator's source at
 * the release tags named below, line by line where they matter; everything else (the model, {@link
 * FlinkVersion#isSupported}, Flink's options and memory arithmetic) is the real code.
 */
final class OperatorRules {
    private OperatorRules() {}

    /**
     * An operator release line: the Flink version it is built on decides which configuration keys
     * its validator looks for, because it asks its own Flink's {@link CheckpointingOptions}.
     */
    record Line(String name, ConfigOption<String> checkpoints, ConfigOption<String> savepoints) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Operator 1.10.0 is built on Flink 1.19.1, whose options have only the state.* names. */
    static final Line OPERATOR_1_10 =
            new Line(
                    "operator 1.10 (Flink 1.19.1)",
                    ConfigOptions.key("state.checkpoints.dir")
                            .stringType()
                            .noDefaultValue()
                            .withDeprecatedKeys("state.backend.fs.checkpointdir"),
                    ConfigOptions.key("state.savepoints.dir")
                            .stringType()
                            .noDefaultValue()
                            .withDeprecatedKeys("savepoints.state.backend.fs.dir"));

    /**
     * Operators 1.11.0 to 1.13.0 are built on Flink 1.20.1: the same options as this build's Flink.
     */
    static final Line OPERATOR_1_11_TO_1_13 =
            new Line(
                    "operator 1.11-1.13 (Flink 1.20.1)",
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    CheckpointingOptions.SAVEPOINT_DIRECTORY);

    static final List<Line> LINES = List.of(OPERATOR_1_10, OPERATOR_1_11_TO_1_13);

    private static final Pattern DEPLOYMENT_NAME =
            Pattern.compile("[a-z]([-a-z\\d]{0,43}[a-z\\d])?");
    private static final List<String> FORBIDDEN_KEYS =
            List.of(
                    "kubernetes.namespace",
                    "kubernetes.cluster-id",
                    HighAvailabilityOptions.HA_CLUSTER_ID.key());
    private static final String PERIODIC_SAVEPOINT_INTERVAL =
            "kubernetes.operator.periodic.savepoint.interval";

    /**
     * DefaultValidator.validateDeployment for a new deployment (no status yet), in its order: the
     * first problem it reports, or nothing. The operator's default configuration (the Helm chart's
     * defaultConfiguration) adds no storage keys, so the spec's flinkConfiguration is the effective
     * one.
     */
    static Optional<String> validate(FlinkDeployment deployment, Line line) {
        FlinkDeploymentSpec spec = deployment.getSpec();
        Map<String, String> confMap = new LinkedHashMap<>();
        if (spec.getFlinkConfiguration() != null) {
            confMap.putAll(spec.getFlinkConfiguration());
        }
        Configuration conf = Configuration.fromMap(confMap);
        String name = deployment.getMetadata().getName();
        if (!DEPLOYMENT_NAME.matcher(name).matches()) {
            return Optional.of("The FlinkDeployment name: " + name + " is invalid");
        }
        if (spec.getFlinkVersion() == null) {
            return Optional.of("Flink Version must be defined.");
        }
        if (!FlinkVersion.isSupported(spec.getFlinkVersion())) {
            return Optional.of("Flink version " + spec.getFlinkVersion() + " is not supported");
        }
        for (String key : FORBIDDEN_KEYS) {
            if (conf.containsKey(key)) {
                return Optional.of("Forbidden Flink config key: " + key);
            }
        }
        JobSpec job = spec.getJob();
        if (job != null) {
            if (job.getUpgradeMode() != UpgradeMode.STATELESS
                    && blank(conf.get(line.checkpoints()))) {
                return Optional.of(
                        "Checkpoint directory["
                                + line.checkpoints().key()
                                + "] must be defined for last-state and savepoint upgrade modes");
            }
            if (blank(conf.get(line.savepoints()))) {
                if (job.getUpgradeMode() == UpgradeMode.SAVEPOINT) {
                    return Optional.of(
                            "Job could not be upgraded with savepoint while config key["
                                    + line.savepoints().key()
                                    + "] is not set");
                }
                if (job.getSavepointTriggerNonce() != null) {
                    return Optional.of(
                            "Savepoint could not be manually triggered for the running job while"
                                    + " config key["
                                    + line.savepoints().key()
                                    + "] is not set");
                }
                if (conf.containsKey(PERIODIC_SAVEPOINT_INTERVAL)) {
                    return Optional.of(
                            "Periodic savepoints cannot be enabled when config key["
                                    + line.savepoints().key()
                                    + "] is not set");
                }
            }
            boolean replicas =
                    spec.getTaskManager() != null && spec.getTaskManager().getReplicas() != null;
            if (replicas && spec.getTaskManager().getReplicas() < 1) {
                return Optional.of("TaskManager replicas must be larger than 0");
            } else if (!replicas && job.getParallelism() < 1) {
                return Optional.of("Job parallelism must be larger than 0");
            }
        }
        if (spec.getJobManager() == null
                || spec.getJobManager().getResource() == null
                || blank(spec.getJobManager().getResource().getMemory())) {
            return Optional.of(
                    "JobManager resource memory must be defined using `spec.jobManager.resource.memory`");
        }
        if (spec.getJobManager().getReplicas() < 1) {
            return Optional.of("JobManager replicas should not be configured less than one.");
        }
        if (spec.getJobManager().getReplicas() > 1
                && !HighAvailabilityMode.isHighAvailabilityModeActivated(conf)) {
            return Optional.of("High availability should be enabled when starting standby JMs.");
        }
        if (spec.getTaskManager() == null
                || spec.getTaskManager().getResource() == null
                || blank(spec.getTaskManager().getResource().getMemory())) {
            return Optional.of(
                    "TaskManager resource memory must be defined using `spec.taskManager.resource.memory`");
        }
        for (var resource :
                List.of(spec.getJobManager().getResource(), spec.getTaskManager().getResource())) {
            try {
                MemorySize.parse(resource.getMemory());
            } catch (IllegalArgumentException e) {
                return Optional.of(
                        "Invalid memory " + resource.getMemory() + ": " + e.getMessage());
            }
        }
        if (spec.getServiceAccount() == null) {
            return Optional.of("spec.serviceAccount must be defined.");
        }
        return Optional.empty();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * FlinkUtils.mergePodTemplates (operator 1.10.0 to 1.13.0 alike): the role's template {@code
     * from} is merged into a copy of the common {@code spec.podTemplate} {@code to}; objects field
     * by field, arrays by position, or by {@code name} when {@code
     * kubernetes.operator.pod-template.merge-arrays-by-name} is on and every element has one.
     */
    static PodTemplateSpec merge(PodTemplateSpec to, PodTemplateSpec from, boolean byName) {
        if (from == null) {
            return to == null ? null : MAPPER.convertValue(to, PodTemplateSpec.class);
        } else if (to == null) {
            return MAPPER.convertValue(from, PodTemplateSpec.class);
        }
        JsonNode node1 = MAPPER.valueToTree(to);
        JsonNode node2 = MAPPER.valueToTree(from);
        mergeInto(node1, node2, byName);
        try {
            return MAPPER.treeToValue(node1, PodTemplateSpec.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void mergeInto(JsonNode toNode, JsonNode fromNode, boolean byName) {
        Iterator<String> fieldNames = fromNode.fieldNames();
        while (fieldNames.hasNext()) {
            String fieldName = fieldNames.next();
            JsonNode toChild = toNode.get(fieldName);
            JsonNode fromChild = fromNode.get(fieldName);
            if (toChild != null && toChild.isArray() && fromChild.isArray()) {
                mergeArray((ArrayNode) toChild, (ArrayNode) fromChild, byName);
            } else if (toChild != null && toChild.isObject()) {
                mergeInto(toChild, fromChild, byName);
            } else if (toNode instanceof ObjectNode) {
                ((ObjectNode) toNode).replace(fieldName, fromChild);
            }
        }
    }

    private static void mergeArray(ArrayNode toArray, ArrayNode fromArray, boolean byName) {
        if (namesDefined(toArray) && namesDefined(fromArray) && byName) {
            Map<String, ObjectNode> toGrouped = groupByName(toArray);
            groupByName(fromArray)
                    .forEach(
                            (name, fromElement) ->
                                    toGrouped.compute(
                                            name,
                                            (n, toElement) -> {
                                                if (toElement == null) {
                                                    return fromElement;
                                                }
                                                mergeInto(toElement, fromElement, byName);
                                                return toElement;
                                            }));
            toArray.removeAll();
            toGrouped.values().forEach(toArray::add);
        } else {
            for (int i = 0; i < fromArray.size(); i++) {
                JsonNode updated = fromArray.get(i);
                if (toArray.size() <= i) {
                    toArray.add(updated);
                }
                mergeInto(toArray.get(i), updated, byName);
            }
        }
    }

    private static boolean namesDefined(ArrayNode node) {
        for (JsonNode element : node) {
            if (!element.has("name")) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, ObjectNode> groupByName(ArrayNode node) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        node.elements().forEachRemaining(e -> out.put(e.get("name").asText(), (ObjectNode) e));
        return out;
    }

    /** JSON paths of arrays that both templates set: those the operator would merge by position. */
    static List<String> arraysInBoth(PodTemplateSpec common, PodTemplateSpec role) {
        List<String> paths = new ArrayList<>();
        if (common != null && role != null) {
            collectArraysInBoth("", MAPPER.valueToTree(common), MAPPER.valueToTree(role), paths);
        }
        return paths;
    }

    private static void collectArraysInBoth(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a == null || b == null) {
            return;
        }
        if (a.isArray() && b.isArray()) {
            if (!a.isEmpty() && !b.isEmpty()) {
                boolean containers = path.endsWith("containers");
                if (containers) {
                    // the container list itself is expected in both; what is inside must not clash
                    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                        collectArraysInBoth(path + "[" + i + "]", a.get(i), b.get(i), out);
                    }
                } else {
                    out.add(path);
                }
            }
        } else if (a.isObject() && b.isObject()) {
            a.fieldNames()
                    .forEachRemaining(
                            field ->
                                    collectArraysInBoth(
                                            path + "." + field, a.get(field), b.get(field), out));
        }
    }
}
