package io.syncabel.operator;

import java.time.Duration;
import java.util.Optional;

/**
 * Operator configuration the reconcilers need, as plain data so tests build it without CDI.
 * {@link SettingsProducer} fills it from the {@code syncabel.*} Quarkus properties.
 *
 * @param store            the artifact store and how pods reach it
 * @param runtimeImage     image every stage pod runs
 * @param imagePullPolicy  pull policy of that image
 * @param serviceAccount   service account of stage pods (empty: the namespace default)
 * @param progressInterval how often a running stage's progress.json is read from the store
 * @param podDefaults      cluster-wide defaults: Kueue queue, GPU image and GPU placement
 * @param inputPolicy      which input URI schemes and LLM key Secrets resources may use on this install
 */
public record OperatorSettings(
        Store store,
        String runtimeImage,
        String imagePullPolicy,
        Optional<String> serviceAccount,
        Duration progressInterval,
        PodDefaults podDefaults,
        InputPolicy inputPolicy) {
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(30);

    /**
     * The artifact store.
     *
     * @param root             {@code s3://bucket[/path]} or {@code file:/folder} (the embedded default and the fake
     *                         kubelet's); outputs go under it
     * @param endpoint         S3 endpoint passed to pods as SYNCABEL_S3_ENDPOINT
     * @param region           S3 region (SYNCABEL_S3_REGION)
     * @param pathStyle        path-style S3 addressing, e.g. for MinIO (SYNCABEL_S3_PATH_STYLE)
     * @param secretName       Secret (in the resource's namespace) holding the store credentials
     * @param accessKeyKey     key of the access key id in that Secret
     * @param secretKeyKey     key of the secret access key in that Secret
     * @param caSecretName     Secret (key ca.crt) with the CA of a store on a private CA; mounted in pods
     * @param readerSecretName Secret with read-only store credentials (same keys) for pods that only read: the
     *                         linkers, which serve on the network and so should hold no right to overwrite a model;
     *                         absent: they get {@code secretName}
     */
    public record Store(
            String root,
            Optional<String> endpoint,
            Optional<String> region,
            Optional<Boolean> pathStyle,
            Optional<String> secretName,
            String accessKeyKey,
            String secretKeyKey,
            Optional<String> caSecretName,
            Optional<String> readerSecretName) {
        public Store {
            if (!root.startsWith("s3://") && !root.startsWith("file:")) {
                throw new IllegalArgumentException("syncabel.store.root '" + root + "': expected s3://bucket[/path] or file:/folder");
            }
            root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
            readerSecretName = readerSecretName == null ? Optional.empty() : readerSecretName.filter(s -> !s.isBlank());
        }

        /** An S3 store without a private CA or a read-only Secret. */
        public static Store s3(String root, Optional<String> endpoint, Optional<String> region, Optional<Boolean> pathStyle,
                Optional<String> secretName, String accessKeyKey, String secretKeyKey) {
            return new Store(root, endpoint, region, pathStyle, secretName, accessKeyKey, secretKeyKey, Optional.empty(),
                    Optional.empty());
        }

        public Store withCaSecret(String name) {
            return new Store(root, endpoint, region, pathStyle, secretName, accessKeyKey, secretKeyKey, Optional.of(name),
                    readerSecretName);
        }

        public Store withReaderSecret(String name) {
            return new Store(root, endpoint, region, pathStyle, secretName, accessKeyKey, secretKeyKey, caSecretName,
                    Optional.ofNullable(name));
        }

        /** The store as a pod that only reads it sees it: the reader Secret in place of the writer's, when configured. */
        public Store readOnly() {
            return readerSecretName.isEmpty() || secretName.isEmpty() ? this : new Store(root, endpoint, region, pathStyle,
                    readerSecretName, accessKeyKey, secretKeyKey, caSecretName, readerSecretName);
        }

        /** A {@code file:} store at {@code root}: no S3 connection, no Secrets. */
        public Store folder(String folderRoot) {
            return new Store(folderRoot, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), accessKeyKey,
                    secretKeyKey, Optional.empty(), Optional.empty());
        }
    }

    public OperatorSettings {
        if (progressInterval == null || progressInterval.isNegative() || progressInterval.isZero()) {
            progressInterval = DEFAULT_PROGRESS_INTERVAL;
        }
        if (podDefaults == null) {
            podDefaults = PodDefaults.NONE;
        }
        if (inputPolicy == null) {
            inputPolicy = InputPolicy.ANY;
        }
    }

    /** Default progress interval, no pod defaults, any input. */
    public OperatorSettings(Store store, String runtimeImage, String imagePullPolicy, Optional<String> serviceAccount) {
        this(store, runtimeImage, imagePullPolicy, serviceAccount, DEFAULT_PROGRESS_INTERVAL, PodDefaults.NONE, InputPolicy.ANY);
    }

    public OperatorSettings withStore(Store other) {
        return new OperatorSettings(other, runtimeImage, imagePullPolicy, serviceAccount, progressInterval, podDefaults, inputPolicy);
    }

    public OperatorSettings withPodDefaults(PodDefaults defaults) {
        return new OperatorSettings(store, runtimeImage, imagePullPolicy, serviceAccount, progressInterval, defaults, inputPolicy);
    }

    public OperatorSettings withProgressInterval(Duration interval) {
        return new OperatorSettings(store, runtimeImage, imagePullPolicy, serviceAccount, interval, podDefaults, inputPolicy);
    }

    public OperatorSettings withInputPolicy(InputPolicy policy) {
        return new OperatorSettings(store, runtimeImage, imagePullPolicy, serviceAccount, progressInterval, podDefaults, policy);
    }

    public OperatorSettings withStoreReaderSecret(String secretName) {
        return withStore(store.withReaderSecret(secretName));
    }

    /** The settings of a pod that only reads the store (a linker): see {@link Store#readOnly()}. */
    public OperatorSettings readOnlyStore() {
        return withStore(store.readOnly());
    }

    /** The image of a pod with these resources: the GPU image when one is configured and a GPU is requested. */
    public String imageFor(io.fabric8.kubernetes.api.model.ResourceRequirements resources) {
        return PodDefaults.wantsGpu(resources) ? podDefaults.gpuImage().orElse(runtimeImage) : runtimeImage;
    }

    /** The same settings with another store root and no S3 connection: a {@code file:} store for local runs and tests. */
    public OperatorSettings withFolderStore(String root, Duration interval) {
        return withStore(store.folder(root)).withProgressInterval(interval);
    }

    /** Defaults used by tests: an S3 store with a credentials Secret. */
    public static OperatorSettings defaults() {
        return new OperatorSettings(Store.s3("s3://syncabel", Optional.of("http://minio.syncabel.svc:9000"), Optional.of("us-east-1"),
                Optional.of(true), Optional.of("syncabel-store"), "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
                "ghcr.io/syncabel/runtime:0.1.0", "IfNotPresent", Optional.empty());
    }
}
