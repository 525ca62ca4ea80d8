import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.samples.customer.SakilaSampleData;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * The sample data of docker-compose.yml, made by the same generators the sandbox and the tests
 * use, so every environment starts from the same rows. Run by deploy/compose/pipeline-tool.sh with
 * Java's source launcher (no build step of its own).
 *
 * <pre>
 *   sakila                    load the Sakila sample (seed 2005) into the source database given by
 *                             SOURCE_JDBC_URL, SOURCE_USERNAME, SOURCE_PASSWORD, if it is empty
 *   turnstile-week FILE [SEED] write one generated MTA weekly file
 * </pre>
 */
public final class SampleData {
    /** The seed the sandbox loads (SampleWarehouse.SAMPLE_SEED). */
    private static final long SAKILA_SEED = 2005L;

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("sakila")) {
            String url = require("SOURCE_JDBC_URL");
            try (Connection source =
                    DriverManager.getConnection(
                            url, require("SOURCE_USERNAME"), require("SOURCE_PASSWORD"))) {
                boolean loaded =
                        SakilaSampleData.generate(SAKILA_SEED).loadIfEmpty(source, SourceDialect.MYSQL);
                System.out.println(
                        loaded
                                ? "sample-data: loaded the Sakila sample into " + url
                                : "sample-data: " + url + " already has data; left as it is");
            }
        } else if (args.length >= 2 && args[0].equals("turnstile-week")) {
            long seed = args.length >= 3 ? Long.parseLong(args[2]) : 7L;
            new TurnstileWeekGenerator(seed).writeWeeklyFile(Path.of(args[1]));
            System.out.println("sample-data: wrote a generated MTA week (seed " + seed + ") to " + args[1]);
        } else {
            System.err.println("usage: SampleData sakila | turnstile-week FILE [SEED]");
            System.exit(2);
        }
    }

    private static String require(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " is not set");
        }
        return value;
    }
}
