package io.syncabel.runtime.cli;

import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A stage's one-line JSON summary: printed on stdout and written as the pod's termination message
 * (docs/architecture.md), which is what the operator copies into the resource's status.
 */
final class Summary {
    static final String DEFAULT_TERMINATION_LOG = "/dev/termination-log";

    private Summary() {
    }

    static String emit(PrintWriter out, Map<String, Object> summary) {
        return emit(out, summary, Env.system());
    }

    static String emit(PrintWriter out, Map<String, Object> summary, Env env) {
        String line;
        try {
            line = Json.MAPPER.writeValueAsString(summary);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        out.println(line);
        out.flush();
        String configured = System.getProperty("syncabel.termination.log", env.get("SYNCABEL_TERMINATION_LOG"));
        Path path = Path.of(configured != null && !configured.isBlank() ? configured : DEFAULT_TERMINATION_LOG);
        // Outside a pod /dev/termination-log does not exist; only an explicitly configured path must work.
        if (configured != null || Files.exists(path)) {
            try {
                Files.writeString(path, line + "\n");
            } catch (IOException e) {
                throw new UserError(path + ": cannot write the termination message: " + e.getMessage(), e);
            }
        }
        return line;
    }
}
