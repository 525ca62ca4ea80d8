package io.streamwarehouse.customer.source;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The source database is not set up for change data capture. The message lists every problem with
 * what to change, so one failed start tells the operator everything to fix.
 */
public class SourceNotReadyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<SourceCheck.Problem> problems;

    public SourceNotReadyException(SourceDialect dialect, List<SourceCheck.Problem> problems) {
        super(
                "The "
                        + dialect
                        + " source is not ready for change data capture:\n"
                        + problems.stream()
                                .map(p -> " - " + p.message())
                                .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<SourceCheck.Problem> problems() {
        return problems;
    }
}
