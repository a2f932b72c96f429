package io.syncabel.runtime.cli;

import io.syncabel.runtime.text.Problems;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * {@code --unknown-codes error|skip}: what a command that reads a corpus does with a gold code its knowledge
 * base lacks. {@code error} (default) stops with the file and line; {@code skip} drops the code (a mention left
 * with no known code gives no example), as the BELB benchmark does, and says how many on stderr.
 */
public final class UnknownCodesOption {
    /** The field name under which a corpus reader reports a gold code the KB does not know. */
    public static final String FIELD = "concept id";

    public enum Policy { error, skip }

    @Option(names = "--unknown-codes", defaultValue = "error", paramLabel = "error|skip",
            description = "A gold code missing from the KB: error (default) or skip (counted, reported on stderr).")
    Policy policy = Policy.error;

    /** Problems for reading corpora under this policy. */
    public Problems problems(boolean lenient) {
        Problems problems = new Problems(lenient);
        return policy == Policy.skip ? problems.skipping(FIELD) : problems;
    }

    /** One stderr line when codes were skipped. */
    public void report(Problems problems, String command, PrintWriter err) {
        long skipped = problems.skipped(FIELD);
        if (policy == Policy.skip && skipped > 0) {
            err.printf("%s: skipped %,d gold code%s not in the knowledge base (--unknown-codes skip)%n", command, skipped,
                    skipped == 1 ? "" : "s");
            err.flush();
        }
    }
}
