package io.syncabel.operator;

import java.time.Duration;
import java.util.Optional;

/**
 * Operator configuration the reconcilers need, as plain data so tests build it without CDI.
 * {@link SettingsProducer} fills it from the {@code syncabel.*} Quarkus properties.
 *
 * @param storeRoot        artifact store root, {@code s3://bucket[/path]} or {@code file:/folder} (the embedded
 *                         default and the fake kubelet's); outputs go under it
 * @param storeEndpoint    S3 endpoint passed to pods as SYNCABEL_S3_ENDPOINT
 * @param storeRegion      S3 region (SYNCABEL_S3_REGION)
 * @param storePathStyle   path-style S3 addressing, e.g. for MinIO (SYNCABEL_S3_PATH_STYLE)
 * @param storeSecretName  Secret (in the resource's namespace) holding the store credentials
 * @param accessKeyKey     key of the access key id in that Secret
 * @param secretKeyKey     key of the secret access key in that Secret
 * @param storeCaSecretName Secret (key ca.crt) with the CA of a store on a private CA; mounted in pods
 * @param runtimeImage     image every stage pod runs
 * @param imagePullPolicy  pull policy of that image
 * @param serviceAccount   service account of stage pods (empty: the namespace default)
 * @param progressInterval how often a running stage's progress.json is read from the store
 * @param podDefaults      cluster-wide defaults: Kueue queue, GPU image and GPU placement
 * @param inputPolicy      which input URI schemes and LLM key Secrets resources may use on this install
 * @param storeReaderSecretName Secret with read-only store credentials (same keys) for pods that only read: the
 *                         linkers, which serve on the network and so should hold no right to overwrite a model;
 *                         absent: they get {@code storeSecretName}
 */
public record OperatorSettings(
        String storeRoot,
        Optional<String> storeEndpoint,
        Optional<String> storeRegion,
        Optional<Boolean> storePathStyle,
        Optional<String> storeSecretName,
        String accessKeyKey,
        String secretKeyKey,
        Optional<String> storeCaSecretName,
        String runtimeImage,
        String imagePullPolicy,
        Optional<String> serviceAccount,
        Duration progressInterval,
        PodDefaults podDefaults,
        InputPolicy inputPolicy,
        Optional<String> storeReaderSecretName) {
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(30);

    public OperatorSettings {
        if (!storeRoot.startsWith("s3://") && !storeRoot.startsWith("file:")) {
            throw new IllegalArgumentException("syncabel.store.root '" + storeRoot + "': expected s3://bucket[/path] or file:/folder");
        }
        storeRoot = storeRoot.endsWith("/") ? storeRoot.substring(0, storeRoot.length() - 1) : storeRoot;
        if (progressInterval == null || progressInterval.isNegative() || progressInterval.isZero()) {
            progressInterval = DEFAULT_PROGRESS_INTERVAL;
        }
        if (podDefaults == null) {
            podDefaults = PodDefaults.NONE;
        }
        if (inputPolicy == null) {
            inputPolicy = InputPolicy.ANY;
        }
        storeReaderSecretName = storeReaderSecretName == null ? Optional.empty() : storeReaderSecretName.filter(s -> !s.isBlank());
    }

    public OperatorSettings(String storeRoot, Optional<String> storeEndpoint, Optional<String> storeRegion,
            Optional<Boolean> storePathStyle, Optional<String> storeSecretName, String accessKeyKey, String secretKeyKey,
            Optional<String> storeCaSecretName, String runtimeImage, String imagePullPolicy, Optional<String> serviceAccount,
            Duration progressInterval) {
        this(storeRoot, storeEndpoint, storeRegion, storePathStyle, storeSecretName, accessKeyKey, secretKeyKey, storeCaSecretName,
                runtimeImage, imagePullPolicy, serviceAccount, progressInterval, PodDefaults.NONE, InputPolicy.ANY, Optional.empty());
    }

    public OperatorSettings withPodDefaults(PodDefaults defaults) {
        return new OperatorSettings(storeRoot, storeEndpoint, storeRegion, storePathStyle, storeSecretName, accessKeyKey,
                secretKeyKey, storeCaSecretName, runtimeImage, imagePullPolicy, serviceAccount, progressInterval, defaults, inputPolicy,
                storeReaderSecretName);
    }

    public OperatorSettings withProgressInterval(Duration interval) {
        return new OperatorSettings(storeRoot, storeEndpoint, storeRegion, storePathStyle, storeSecretName, accessKeyKey,
                secretKeyKey, storeCaSecretName, runtimeImage, imagePullPolicy, serviceAccount, interval, podDefaults, inputPolicy,
                storeReaderSecretName);
    }

    public OperatorSettings withInputPolicy(InputPolicy policy) {
        return new OperatorSettings(storeRoot, storeEndpoint, storeRegion, storePathStyle, storeSecretName, accessKeyKey,
                secretKeyKey, storeCaSecretName, runtimeImage, imagePullPolicy, serviceAccount, progressInterval, podDefaults, policy,
                storeReaderSecretName);
    }

    public OperatorSettings withStoreReaderSecret(String secretName) {
        return new OperatorSettings(storeRoot, storeEndpoint, storeRegion, storePathStyle, storeSecretName, accessKeyKey,
                secretKeyKey, storeCaSecretName, runtimeImage, imagePullPolicy, serviceAccount, progressInterval, podDefaults,
                inputPolicy, Optional.ofNullable(secretName));
    }

    /**
     * The settings of a pod that only reads the store (a linker): the reader Secret in place of the writer's when
     * one is configured.
     */
    public OperatorSettings readOnlyStore() {
        return storeReaderSecretName.isEmpty() || storeSecretName.isEmpty() ? this
                : new OperatorSettings(storeRoot, storeEndpoint, storeRegion, storePathStyle, storeReaderSecretName, accessKeyKey,
                        secretKeyKey, storeCaSecretName, runtimeImage, imagePullPolicy, serviceAccount, progressInterval,
                        podDefaults, inputPolicy, storeReaderSecretName);
    }

    /** The image of a pod with these resources: the GPU image when one is configured and a GPU is requested. */
    public String imageFor(io.fabric8.kubernetes.api.model.ResourceRequirements resources) {
        return PodDefaults.wantsGpu(resources) ? podDefaults.gpuImage().orElse(runtimeImage) : runtimeImage;
    }

    public OperatorSettings(String storeRoot, Optional<String> storeEndpoint, Optional<String> storeRegion,
            Optional<Boolean> storePathStyle, Optional<String> storeSecretName, String accessKeyKey, String secretKeyKey,
            Optional<String> storeCaSecretName, String runtimeImage, String imagePullPolicy, Optional<String> serviceAccount) {
        this(storeRoot, storeEndpoint, storeRegion, storePathStyle, storeSecretName, accessKeyKey, secretKeyKey, storeCaSecretName,
                runtimeImage, imagePullPolicy, serviceAccount, DEFAULT_PROGRESS_INTERVAL);
    }

    /** The same settings with another store root and no S3 connection: a {@code file:} store for local runs and tests. */
    public OperatorSettings withFolderStore(String root, Duration progressInterval) {
        return new OperatorSettings(root, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), accessKeyKey,
                secretKeyKey, Optional.empty(), runtimeImage, imagePullPolicy, serviceAccount, progressInterval, podDefaults, inputPolicy,
                Optional.empty());
    }

    /** Defaults used by tests: an S3 store with a credentials Secret. */
    public static OperatorSettings defaults() {
        return new OperatorSettings("s3://syncabel", Optional.of("http://minio.syncabel.svc:9000"), Optional.of("us-east-1"),
                Optional.of(true), Optional.of("syncabel-store"), "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                Optional.empty(), "ghcr.io/syncabel/runtime:0.1.0", "IfNotPresent", Optional.empty());
    }
}
