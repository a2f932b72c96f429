package io.syncabel.operator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import io.syncabel.operator.store.StoreReader;
import jakarta.enterprise.inject.Disposes;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Reads the {@code syncabel.store.*}, {@code syncabel.runtime.*} and progress properties (see docs/operator.md). */
@ApplicationScoped
public class SettingsProducer {
    @ConfigProperty(name = "syncabel.store.root", defaultValue = "s3://syncabel")
    String storeRoot;
    @ConfigProperty(name = "syncabel.store.endpoint")
    Optional<String> storeEndpoint;
    @ConfigProperty(name = "syncabel.store.region")
    Optional<String> storeRegion;
    @ConfigProperty(name = "syncabel.store.path-style")
    Optional<Boolean> storePathStyle;
    @ConfigProperty(name = "syncabel.store.secret-name")
    Optional<String> storeSecretName;
    @ConfigProperty(name = "syncabel.store.access-key-key", defaultValue = "AWS_ACCESS_KEY_ID")
    String accessKeyKey;
    @ConfigProperty(name = "syncabel.store.secret-key-key", defaultValue = "AWS_SECRET_ACCESS_KEY")
    String secretKeyKey;
    /** Read-only store credentials for linker pods (docs/operator.md "Store credentials"). */
    @ConfigProperty(name = "syncabel.store.reader-secret-name")
    Optional<String> storeReaderSecretName;
    @ConfigProperty(name = "syncabel.store.ca-secret-name")
    Optional<String> storeCaSecretName;
    @ConfigProperty(name = "syncabel.runtime.image", defaultValue = "ghcr.io/syncabel/runtime:latest")
    String runtimeImage;
    @ConfigProperty(name = "syncabel.runtime.image-pull-policy", defaultValue = "IfNotPresent")
    String imagePullPolicy;
    @ConfigProperty(name = "syncabel.runtime.service-account")
    Optional<String> serviceAccount;

    @ConfigProperty(name = "syncabel.runtime.gpu-image")
    Optional<String> gpuImage;
    @ConfigProperty(name = "syncabel.scheduling.default-queue-name")
    Optional<String> defaultQueueName;
    /** {@code key=value,key=value} */
    @ConfigProperty(name = "syncabel.scheduling.gpu-node-selector")
    Optional<String> gpuNodeSelector;
    /** A JSON array of Kubernetes tolerations. */
    @ConfigProperty(name = "syncabel.scheduling.gpu-tolerations")
    Optional<String> gpuTolerations;

    /** Comma-separated input URI schemes resources may use (s3,https); absent: any. */
    @ConfigProperty(name = "syncabel.inputs.allowed-schemes")
    Optional<String> allowedSchemes;
    /** Comma-separated globs of the Secrets an apiKeySecretRef may name; absent: any. */
    @ConfigProperty(name = "syncabel.inputs.allowed-secrets")
    Optional<String> allowedSecrets;

    @ConfigProperty(name = "syncabel.operator.progress-interval", defaultValue = "30s")
    Duration progressInterval;

    @Produces
    @Singleton
    OperatorSettings settings() {
        OperatorSettings.Store store = new OperatorSettings.Store(storeRoot, storeEndpoint, storeRegion, storePathStyle,
                storeSecretName, accessKeyKey, secretKeyKey, storeCaSecretName, storeReaderSecretName);
        return new OperatorSettings(store, runtimeImage, imagePullPolicy, serviceAccount, progressInterval,
                podDefaults(defaultQueueName, gpuImage, gpuNodeSelector, gpuTolerations),
                InputPolicy.parse(allowedSchemes, allowedSecrets));
    }

    static PodDefaults podDefaults(Optional<String> queue, Optional<String> gpuImage, Optional<String> nodeSelector,
            Optional<String> tolerations) {
        java.util.Map<String, String> selector = new java.util.LinkedHashMap<>();
        for (String pair : nodeSelector.filter(s -> !s.isBlank()).map(s -> s.split(",")).orElse(new String[0])) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("syncabel.scheduling.gpu-node-selector: '" + pair + "' is not key=value");
            }
            selector.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        java.util.List<io.fabric8.kubernetes.api.model.Toleration> tols = tolerations.filter(s -> !s.isBlank())
                .map(json -> {
                    try {
                        return java.util.List.of(new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                                .unmarshal(json, io.fabric8.kubernetes.api.model.Toleration[].class));
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("syncabel.scheduling.gpu-tolerations: not a JSON array of tolerations: "
                                + e.getMessage(), e);
                    }
                }).orElse(java.util.List.of());
        return new PodDefaults(queue.filter(s -> !s.isBlank()), gpuImage.filter(s -> !s.isBlank()), selector, tols);
    }

    /** The store as the operator reads it (progress.json): credentials from the operator pod's environment. */
    @Produces
    @Singleton
    StoreReader storeReader(OperatorSettings settings) {
        return StoreReader.forSettings(settings, System.getenv());
    }

    void close(@Disposes StoreReader reader) {
        reader.close();
    }
}
