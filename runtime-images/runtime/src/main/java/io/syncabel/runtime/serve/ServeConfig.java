package io.syncabel.runtime.serve;

import io.syncabel.runtime.link.Linker;
import java.time.Duration;

/**
 * Everything `syncabel serve` can be told, in one place (the CLI maps its flags onto it).
 *
 * @param queueSize             mentions that may wait for the linker; beyond it requests get 429
 * @param maxMentionsPerRequest at most {@code queueSize}, else such a request could never be admitted
 * @param smoke                 overrides the artifact's suggested smoke query; null keeps it
 * @param options               decoding options for requests that do not say (the LinkerDeployment's decoding)
 * @param loadTimeout           load plus smoke query must finish within it, else the process fails
 *                              (and Kubernetes restarts it) instead of hanging live and unready; 0 = no limit
 */
public record ServeConfig(
        String host,
        int port,
        String modelName,
        int maxBatchSize,
        int maxBatchDelayMs,
        int queueSize,
        int workers,
        int maxBodyBytes,
        int maxMentionsPerRequest,
        int maxTextChars,
        int maxBeams,
        SmokeQuery smoke,
        Duration drainTimeout,
        Linker.Options options,
        Duration loadTimeout) {

    public ServeConfig {
        require(port >= 0 && port <= 65535, "port must be 0..65535, got " + port);
        require(modelName != null && modelName.matches("[A-Za-z0-9][A-Za-z0-9._-]*"),
                "model name must be letters, digits, '.', '_' or '-', got " + modelName);
        require(maxBatchSize >= 1, "max batch size must be >= 1, got " + maxBatchSize);
        require(maxBatchDelayMs >= 0, "max batch delay must be >= 0 ms, got " + maxBatchDelayMs);
        require(workers >= 1, "workers must be >= 1, got " + workers);
        require(maxBodyBytes >= 1024, "max body size must be >= 1024 bytes, got " + maxBodyBytes);
        require(maxMentionsPerRequest >= 1, "max mentions per request must be >= 1, got " + maxMentionsPerRequest);
        require(queueSize >= maxMentionsPerRequest, "queue size (" + queueSize
                + " mentions) must hold at least one full request (max mentions " + maxMentionsPerRequest + ")");
        require(maxTextChars >= 1, "max text length must be >= 1, got " + maxTextChars);
        require(maxBeams >= 1, "max beams must be >= 1, got " + maxBeams);
        require(drainTimeout != null && !drainTimeout.isNegative(), "drain timeout must be >= 0");
        require(loadTimeout != null && !loadTimeout.isNegative(), "load timeout must be >= 0");
        require(options != null && options.beams() <= maxBeams, "default beams (" + (options == null ? null
                : options.beams()) + ") must be <= max beams (" + maxBeams + ")");
    }

    public static ServeConfig defaults(String modelName) {
        return new ServeConfig("0.0.0.0", 8080, modelName, 32, 5, 1024, 1, 1 << 20, 256, 10_000, 20, null,
                Duration.ofSeconds(30), Linker.Options.defaults(), Duration.ofMinutes(30));
    }

    public ServeConfig withPort(String host, int port) {
        return new ServeConfig(host, port, modelName, maxBatchSize, maxBatchDelayMs, queueSize, workers,
                maxBodyBytes, maxMentionsPerRequest, maxTextChars, maxBeams, smoke, drainTimeout, options, loadTimeout);
    }

    public ServeConfig withBatching(int maxBatchSize, int maxBatchDelayMs, int queueSize, int workers) {
        return new ServeConfig(host, port, modelName, maxBatchSize, maxBatchDelayMs, queueSize, workers,
                maxBodyBytes, maxMentionsPerRequest, maxTextChars, maxBeams, smoke, drainTimeout, options, loadTimeout);
    }

    public ServeConfig withLimits(int maxBodyBytes, int maxMentionsPerRequest, int maxTextChars, int maxBeams) {
        return new ServeConfig(host, port, modelName, maxBatchSize, maxBatchDelayMs, queueSize, workers,
                maxBodyBytes, maxMentionsPerRequest, maxTextChars, maxBeams, smoke, drainTimeout, options, loadTimeout);
    }

    public ServeConfig withSmoke(SmokeQuery smoke) {
        return new ServeConfig(host, port, modelName, maxBatchSize, maxBatchDelayMs, queueSize, workers,
                maxBodyBytes, maxMentionsPerRequest, maxTextChars, maxBeams, smoke, drainTimeout, options, loadTimeout);
    }

    public ServeConfig withDrainTimeout(Duration drainTimeout) {
        return new ServeConfig(host, port, modelName, maxBatchSize, maxBatchDelayMs, queueSize, workers,
                maxBodyBytes, maxMentionsPerRequest, maxTextChars, maxBeams, smoke, drainTimeout, options, loadTimeout);
    }

    public ServeConfig withOptions(Linker.Options options) {
        return new ServeConfig(host, port, modelName, maxBatchSize, maxBatchDelayMs, queueSize, workers,
                maxBodyBytes, maxMentionsPerRequest, maxTextChars, maxBeams, smoke, drainTimeout, options, loadTimeout);
    }

    public ServeConfig withLoadTimeout(Duration loadTimeout) {
        return new ServeConfig(host, port, modelName, maxBatchSize, maxBatchDelayMs, queueSize, workers,
                maxBodyBytes, maxMentionsPerRequest, maxTextChars, maxBeams, smoke, drainTimeout, options, loadTimeout);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
