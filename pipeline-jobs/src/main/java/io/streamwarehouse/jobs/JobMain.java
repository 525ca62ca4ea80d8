package io.streamwarehouse.jobs;

/** Entry point of the job jar submitted to a cluster: picks a job by name and runs it. */
public final class JobMain {
    private JobMain() {}

    public static void main(String[] args) throws Exception {
        throw new UnsupportedOperationException("no jobs yet");
    }
}
