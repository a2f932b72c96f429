package io.syncabel.runtime.cli;

import io.syncabel.runtime.llm.LlmConfig;
import io.syncabel.runtime.model.NativeEngine;
import io.syncabel.runtime.text.Secrets;
import io.syncabel.runtime.text.UserError;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Input errors end with their message (credentials masked: it may quote an HTTP answer) and exit code 2; a GPU pod
 * without a usable GPU ends with its message and exit code 1; anything else is a bug and keeps its stack trace.
 */
final class UserErrorHandler implements IExecutionExceptionHandler {
    static final int EXIT_USER_ERROR = 2;
    static final int EXIT_NO_GPU = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parseResult) throws Exception {
        if (ex instanceof UserError) {
            cli.getErr().println("error: " + Secrets.redact(ex.getMessage(), System.getenv(LlmConfig.DEFAULT_API_KEY_ENV)));
            cli.getErr().flush();
            return EXIT_USER_ERROR;
        }
        if (ex instanceof NativeEngine.MissingGpu) {
            // a node or image problem, not the input: the generic failure code lets the Job retry on another node
            cli.getErr().println("error: " + ex.getMessage());
            cli.getErr().flush();
            return EXIT_NO_GPU;
        }
        throw ex;
    }
}
