package io.syncabel.runtime.cli;

import io.syncabel.runtime.llm.LlmConfig;
import io.syncabel.runtime.text.Secrets;
import io.syncabel.runtime.text.UserError;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Input errors end with their message (credentials masked: it may quote an HTTP answer) and exit code 2; anything
 * else is a bug and keeps its stack trace.
 */
final class UserErrorHandler implements IExecutionExceptionHandler {
    static final int EXIT_USER_ERROR = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parseResult) throws Exception {
        if (ex instanceof UserError) {
            cli.getErr().println("error: " + Secrets.redact(ex.getMessage(), System.getenv(LlmConfig.DEFAULT_API_KEY_ENV)));
            cli.getErr().flush();
            return EXIT_USER_ERROR;
        }
        throw ex;
    }
}
