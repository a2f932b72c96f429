package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A CPU user's terminal shows no DJL INFO lines and no CUDA driver warning (issue 17). */
class QuietLoggingTest {
    @Test
    void librariesLogWarningsOnlyAndTheCudaProbeNotAtAll() throws IOException {
        Properties config = new Properties();
        try (InputStream in = QuietLoggingTest.class.getResourceAsStream("/simplelogger.properties")) {
            assertThat(in).as("simplelogger.properties on the runtime's classpath").isNotNull();
            config.load(in);
        }
        assertThat(config).containsEntry("org.slf4j.simpleLogger.defaultLogLevel", "warn")
                .containsEntry("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        // and slf4j-simple applies it: DJL's engine logger is off for INFO, the CUDA probe for WARN
        assertThat(LoggerFactory.getLogger("ai.djl.pytorch.engine.PtEngine").isInfoEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("ai.djl.util.cuda.CudaUtils").isWarnEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("io.syncabel.runtime.store.S3Calls").isWarnEnabled()).isTrue();
    }
}
