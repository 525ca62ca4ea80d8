package io.streamwarehouse.jobs;

import java.util.List;
import java.util.stream.Collectors;

/** The product's jobs by name. */
public final class Jobs {
    private Jobs() {}

    public static List<PipelineJob> all() {
        return List.of(new CustomerDimensionJob(), new TurnstileAggregatesJob());
    }

    public static PipelineJob byName(String name) {
        return all().stream()
                .filter(job -> job.name().equals(name))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "unknown job '" + name + "'; jobs: " + names()));
    }

    public static String names() {
        return all().stream().map(PipelineJob::name).collect(Collectors.joining(", "));
    }
}
