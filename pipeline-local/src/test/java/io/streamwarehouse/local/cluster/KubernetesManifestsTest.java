package io.streamwarehouse.local.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.streamwarehouse.jobs.Jobs;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.FlinkStateSnapshot;
import org.apache.flink.kubernetes.operator.api.spec.JobKind;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The FlinkDeployments of {@code deploy/k8s} as the Flink Kubernetes Operator sees them: read into
 * its own model classes, validated as its validator does for each operator line the README names,
 * and with the pod templates merged as it merges them, so a manifest that the operator or the API
 * server would refuse fails here first.
 */
class KubernetesManifestsTest {
    private static final Path K8S = DeployScripts.projectRoot().resolve("deploy/k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Stream<String> jobs() {
        return Stream.of(Jobs.names().split(", "));
    }

    static Stream<Object[]> jobsAndOperators() {
        return jobs().flatMap(
                        job -> OperatorRules.LINES.stream().map(line -> new Object[] {job, line}));
    }

    @ParameterizedTest
    @MethodSource("jobs")
    void everyFieldIsOneTheOperatorsModelKnows(String job) throws IOException {
        JsonNode manifest = YAML.readTree(K8S.resolve(job + ".yaml").toFile());
        FlinkDeployment deployment = load(job);
        // a field the model does not know is dropped on the way in, so it is missing here
        JsonNode reread = Serialization.jsonMapper().valueToTree(deployment);
        assertContained("", manifest, reread);
        // fabric8's Kubernetes types keep unknown fields instead: there, none may be left over
        assertThat(unknownFields("spec", deployment.getSpec())).isEmpty();
        assertThat(deployment.getMetadata().getName()).isEqualTo(job);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("jobsAndOperators")
    void theOperatorsValidatorAcceptsTheDeployment(String job, OperatorRules.Line line)
            throws IOException {
        assertThat(OperatorRules.validate(load(job), line)).isEmpty();
    }

    /**
     * Operator 1.10 reads only the state.* names; with only the names Flink 1.20 prefers, it
     * refuses the deployment. This is why the manifests carry both.
     */
    @ParameterizedTest
    @MethodSource("jobs")
    void operator110RefusesTheDeploymentWithoutTheOldKeyNames(String job) throws IOException {
        FlinkDeployment deployment = load(job);
        Map<String, String> flink = deployment.getSpec().getFlinkConfiguration();
        flink.remove("state.checkpoints.dir");
        flink.remove("state.savepoints.dir");
        assertThat(OperatorRules.validate(deployment, OperatorRules.OPERATOR_1_11_TO_1_13))
                .isEmpty();
        assertThat(OperatorRules.validate(deployment, OperatorRules.OPERATOR_1_10))
                .hasValueSatisfying(error -> assertThat(error).contains("[state.checkpoints.dir]"));
        flink.put("state.checkpoints.dir", flink.get("execution.checkpointing.dir"));
        assertThat(OperatorRules.validate(deployment, OperatorRules.OPERATOR_1_10))
                .hasValueSatisfying(error -> assertThat(error).contains("[state.savepoints.dir]"));
    }

    @ParameterizedTest
    @MethodSource("jobs")
    void bothNamesOfEachDirectoryNameTheSamePlace(String job) throws IOException {
        Map<String, String> flink = load(job).getSpec().getFlinkConfiguration();
        assertThat(flink.get("state.checkpoints.dir"))
                .startsWith("s3://")
                .endsWith("/" + job + "/checkpoints")
                .isEqualTo(flink.get("execution.checkpointing.dir"));
        assertThat(flink.get("state.savepoints.dir"))
                .startsWith("s3://")
                .endsWith("/" + job + "/savepoints")
                .isEqualTo(flink.get("execution.checkpointing.savepoint-dir"));
        // the directory the job sets itself (checkpoint.dir) is the same one
        String jobManagerEnv =
                load(job)
                        .getSpec()
                        .getJobManager()
                        .getPodTemplate()
                        .getSpec()
                        .getContainers()
                        .stream()
                        .flatMap(c -> c.getEnv().stream())
                        .filter(e -> e.getName().equals("PIPELINE_CHECKPOINT_DIR"))
                        .map(e -> e.getValue())
                        .findFirst()
                        .orElseThrow();
        assertThat(jobManagerEnv).isEqualTo(flink.get("execution.checkpointing.dir"));
    }

    /** Flink's own memory arithmetic accepts the sizes the operator turns into process sizes. */
    @ParameterizedTest
    @MethodSource("jobs")
    void flinkCanSizeThePods(String job) throws IOException {
        FlinkDeployment deployment = load(job);
        Configuration config = Configuration.fromMap(deployment.getSpec().getFlinkConfiguration());
        config.setString(
                JobManagerOptions.TOTAL_PROCESS_MEMORY.key(),
                deployment.getSpec().getJobManager().getResource().getMemory());
        config.setString(
                TaskManagerOptions.TOTAL_PROCESS_MEMORY.key(),
                deployment.getSpec().getTaskManager().getResource().getMemory());
        JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap(
                config, JobManagerOptions.TOTAL_PROCESS_MEMORY);
        assertThat(
                        TaskExecutorProcessUtils.processSpecFromConfig(config)
                                .getManagedMemorySize()
                                .getBytes())
                .isPositive();
    }

    @ParameterizedTest
    @MethodSource("jobs")
    void eachPodListIsInOneTemplateAndMergesIntoValidPods(String job) throws IOException {
        FlinkDeployment deployment = load(job);
        PodTemplateSpec common = deployment.getSpec().getPodTemplate();
        PodTemplateSpec jm = deployment.getSpec().getJobManager().getPodTemplate();
        PodTemplateSpec tm = deployment.getSpec().getTaskManager().getPodTemplate();
        assertThat(OperatorRules.arraysInBoth(common, jm)).isEmpty();
        assertThat(OperatorRules.arraysInBoth(common, tm)).isEmpty();

        for (boolean byName : List.of(false, true)) {
            PodTemplateSpec jobManager = OperatorRules.merge(common, jm, byName);
            PodTemplateSpec taskManager = OperatorRules.merge(common, tm, byName);
            assertOneSourcePerEnvFromEntry(jobManager);
            assertOneSourcePerEnvFromEntry(taskManager);
            assertThat(envFromNames(jobManager))
                    .containsExactlyInAnyOrder(
                            "configMap/streamwarehouse-config",
                            "secret/streamwarehouse-credentials",
                            "secret/streamwarehouse-s3");
            // the TaskManagers write checkpoints, but never see the database credentials
            assertThat(envFromNames(taskManager)).containsExactly("secret/streamwarehouse-s3");
        }
    }

    /**
     * The shape the manifests had: envFrom in both the common and the JobManager template. Merged
     * by position, the JobManager's first entry carries a secretRef and a configMapRef, which the
     * API server refuses ("may not have more than one field specified at a time").
     */
    @Test
    void envFromInTwoTemplatesMergesIntoAnEntryTheApiServerRefuses() {
        PodTemplateSpec common = template(new EnvFromSource(null, null, secret("s3")));
        PodTemplateSpec jm =
                template(
                        new EnvFromSource(configMap("config"), null, null),
                        new EnvFromSource(null, null, secret("credentials")));
        assertThat(OperatorRules.arraysInBoth(common, jm))
                .containsExactly(".spec.containers[0].envFrom");
        for (boolean byName : List.of(false, true)) {
            EnvFromSource first =
                    OperatorRules.merge(common, jm, byName)
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getEnvFrom()
                            .get(0);
            assertThat(first.getSecretRef()).isNotNull();
            assertThat(first.getConfigMapRef()).isNotNull();
        }
    }

    /** Every object the deployments name exists in the files the README applies. */
    @Test
    void everyReferencedObjectIsDefinedOnce() throws IOException {
        List<String> defined = new ArrayList<>();
        for (String file : List.of("rbac.yaml", "pipeline-config.yaml", "secret-example.yaml")) {
            for (JsonNode resource :
                    YAML.readValues(
                                    YAML.getFactory().createParser(K8S.resolve(file).toFile()),
                                    JsonNode.class)
                            .readAll()) {
                assertThat(resource.path("metadata").path("namespace").asText())
                        .isEqualTo("streamwarehouse");
                defined.add(
                        resource.path("kind").asText()
                                + "/"
                                + resource.path("metadata").path("name").asText());
            }
        }
        assertThat(defined).doesNotHaveDuplicates().contains("ServiceAccount/flink");
        for (String job : jobs().toList()) {
            FlinkDeployment deployment = load(job);
            assertThat(deployment.getMetadata().getNamespace()).isEqualTo("streamwarehouse");
            assertThat(defined)
                    .contains("ServiceAccount/" + deployment.getSpec().getServiceAccount());
            PodTemplateSpec jm = deployment.getSpec().getJobManager().getPodTemplate();
            for (String ref : envFromNames(jm)) {
                String kind = ref.startsWith("secret/") ? "Secret" : "ConfigMap";
                assertThat(defined).contains(kind + "/" + ref.substring(ref.indexOf('/') + 1));
            }
        }
    }

    /**
     * The on-demand savepoint is a snapshot resource the operator's model reads, of a deployment.
     */
    @Test
    void theSavepointExampleIsASnapshotOfADeployment() throws IOException {
        JsonNode manifest = YAML.readTree(K8S.resolve("savepoint.yaml").toFile());
        FlinkStateSnapshot snapshot;
        try (var in = Files.newInputStream(K8S.resolve("savepoint.yaml"))) {
            snapshot = Serialization.unmarshal(in, FlinkStateSnapshot.class);
        }
        assertContained("", manifest, Serialization.jsonMapper().valueToTree(snapshot));
        assertThat(snapshot.getSpec().isSavepoint()).isTrue();
        assertThat(snapshot.getSpec().isCheckpoint()).isFalse();
        assertThat(snapshot.getSpec().getSavepoint().getDisposeOnDelete()).isFalse();
        assertThat(snapshot.getSpec().getJobReference().getKind())
                .isEqualTo(JobKind.FLINK_DEPLOYMENT);
        String target = snapshot.getSpec().getJobReference().getName();
        assertThat(jobs()).contains(target);
        assertThat(snapshot.getMetadata().getNamespace())
                .isEqualTo(load(target).getMetadata().getNamespace());
        assertThat(snapshot.getMetadata().getGenerateName()).startsWith(target + "-");
    }

    private static FlinkDeployment load(String job) throws IOException {
        try (var in = Files.newInputStream(K8S.resolve(job + ".yaml"))) {
            return Serialization.unmarshal(in, FlinkDeployment.class);
        }
    }

    /** Every field and value of {@code expected} is in {@code actual}, which may hold more. */
    private static void assertContained(String path, JsonNode expected, JsonNode actual) {
        assertThat(actual).as(path + " is not in the operator's model").isNotNull();
        if (expected.isObject()) {
            expected.fieldNames()
                    .forEachRemaining(
                            field ->
                                    assertContained(
                                            path + "." + field,
                                            expected.get(field),
                                            actual.get(field)));
        } else if (expected.isArray()) {
            assertThat(actual.size()).as(path).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertContained(path + "[" + i + "]", expected.get(i), actual.get(i));
            }
        } else if (expected.isNumber() && actual.isNumber()) {
            assertThat(actual.doubleValue()).as(path).isEqualTo(expected.doubleValue());
        } else {
            assertThat(actual.asText()).as(path).isEqualTo(expected.asText());
        }
    }

    /**
     * Paths of fields fabric8 kept in an additionalProperties map: names Kubernetes does not know.
     */
    private static List<String> unknownFields(String path, Object value) {
        List<String> unknown = new ArrayList<>();
        if (value == null || value instanceof String || value instanceof Number) {
            return unknown;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknown.addAll(unknownFields(path + "[" + i++ + "]", item));
            }
            return unknown;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknown.addAll(unknownFields(path + "." + k, v)));
            return unknown;
        }
        String type = value.getClass().getName();
        if (!type.startsWith("io.fabric8.") && !type.startsWith("org.apache.flink.kubernetes.")) {
            return unknown;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object child = getter.invoke(value);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        unknown.add(path + " " + extra.keySet());
                    }
                } else if (child instanceof KubernetesResource
                        || child instanceof Collection<?>
                        || (child != null
                                && child.getClass()
                                        .getName()
                                        .startsWith("org.apache.flink.kubernetes."))) {
                    unknown.addAll(
                            unknownFields(path + "." + getter.getName().substring(3), child));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(getter.toString(), e);
            }
        }
        return unknown;
    }

    private static void assertOneSourcePerEnvFromEntry(PodTemplateSpec pod) {
        for (Container container : pod.getSpec().getContainers()) {
            for (EnvFromSource entry : container.getEnvFrom()) {
                long sources =
                        Stream.of(entry.getConfigMapRef(), entry.getSecretRef())
                                .filter(Objects::nonNull)
                                .count();
                assertThat(sources).as(container.getName() + " envFrom " + entry).isEqualTo(1);
            }
        }
    }

    private static List<String> envFromNames(PodTemplateSpec pod) {
        List<String> names = new ArrayList<>();
        for (Container container : pod.getSpec().getContainers()) {
            assertThat(container.getName()).isEqualTo("flink-main-container");
            for (EnvFromSource entry : container.getEnvFrom()) {
                if (entry.getConfigMapRef() != null) {
                    names.add("configMap/" + entry.getConfigMapRef().getName());
                }
                if (entry.getSecretRef() != null) {
                    names.add("secret/" + entry.getSecretRef().getName());
                }
            }
        }
        return names;
    }

    private static PodTemplateSpec template(EnvFromSource... envFrom) {
        Container container = new Container();
        container.setName("flink-main-container");
        container.setEnvFrom(List.of(envFrom));
        PodTemplateSpec template = new PodTemplateSpec();
        template.setSpec(new io.fabric8.kubernetes.api.model.PodSpec());
        template.getSpec().setContainers(List.of(container));
        return template;
    }

    private static io.fabric8.kubernetes.api.model.SecretEnvSource secret(String name) {
        return new io.fabric8.kubernetes.api.model.SecretEnvSource(name, null);
    }

    private static io.fabric8.kubernetes.api.model.ConfigMapEnvSource configMap(String name) {
        return new io.fabric8.kubernetes.api.model.ConfigMapEnvSource(name, null);
    }
}
