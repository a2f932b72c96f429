package io.syncabel.operator.reconcile;


import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.api.v1alpha1.common.StageStatus;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.status.StatusAggregator;
import io.syncabel.operator.store.FolderReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A cluster for end-to-end tests: the mock API server, the operator configured with a folder store
 * ({@code file:} root, as the embedded default), and the {@link FakeKubelet} running each Job and linker
 * in-process with the runtime CLI. Manifests come from examples/ with their relative {@code file:} URIs
 * made absolute.
 */
final class EndToEnd implements AutoCloseable {
    static final Path REPO = Path.of(System.getProperty("syncabel.repo.root", "../.."));
    static final Path QUICKSTART = REPO.resolve("examples/quickstart");
    /** Short, so tests see progress.json soon; production polls every 30 s. */
    static final Duration PROGRESS_INTERVAL = Duration.ofMillis(200);

    final KubernetesClient client;
    final Path store;
    final OperatorSettings settings;
    final FakeKubelet kubelet;
    private Operator operator;

    EndToEnd(KubernetesClient client, Path scratch) throws Exception {
        this.client = client;
        this.store = Files.createDirectories(scratch.resolve("store"));
        this.settings = OperatorSettings.defaults().withFolderStore("file:" + store, PROGRESS_INTERVAL);
        MockCluster.registerCrds(client);
        this.kubelet = new FakeKubelet(client, MockCluster.NS, Files.createDirectories(scratch.resolve("kubelet"))).start();
        startOperator();
    }

    void startOperator() {
        operator = MockCluster.start(client, settings, new FolderReader());
    }

    /** What a crash or a rollout of the operator does: its informers and reconcilers are gone. */
    void stopOperator() {
        operator.stop();
    }

    /** {@code kubectl apply -f examples/quickstart/<file>} in the test namespace, optionally renamed. */
    <T extends CustomResource<?, ?>> T apply(String file, Class<T> kind, String name) throws IOException {
        T resource;
        try (InputStream in = Files.newInputStream(QUICKSTART.resolve(file))) {
            resource = kind.cast(Serialization.unmarshal(in));
        }
        resource = FakeKubelet.absoluteFileUris(resource, QUICKSTART);
        resource.getMetadata().setNamespace(MockCluster.NS);
        if (name != null) {
            resource.getMetadata().setName(name);
        }
        return client.resource(resource).create();
    }

    <T extends CustomResource<?, ? extends StageStatus>> T get(Class<T> kind, String name) {
        return client.resources(kind).inNamespace(MockCluster.NS).withName(name).get();
    }

    /** Ready's status/reason, e.g. True/Succeeded. */
    static String ready(CustomResource<?, ? extends StageStatus> resource) {
        if (resource == null || resource.getStatus() == null) {
            return null;
        }
        return StatusAggregator.condition(resource.getStatus(), Conditions.READY).map(c -> c.getStatus() + "/" + c.getReason()).orElse(null);
    }

    /** Waits until the resource is Ready (Succeeded), failing at once with its message if it fails. */
    <T extends CustomResource<?, ? extends StageStatus>> T awaitSucceeded(Class<T> kind, String name, Duration atMost) {
        MockCluster.eventually(atMost).until(() -> {
            String ready = ready(get(kind, name));
            if (ready != null && ready.endsWith("/Failed")) {
                throw new AssertionError(kind.getSimpleName() + " " + name + " failed: "
                        + StatusAggregator.condition(get(kind, name).getStatus(), Conditions.READY).orElseThrow().getMessage());
            }
            return "True/Succeeded".equals(ready);
        });
        return get(kind, name);
    }

    <T extends CustomResource<?, ? extends StageStatus>> T await(Class<T> kind, String name, Predicate<T> condition) {
        MockCluster.eventually(Duration.ofSeconds(30)).until(() -> get(kind, name), r -> r != null && condition.test(r));
        return get(kind, name);
    }


    @Override
    public void close() {
        kubelet.close();
        operator.stop();
    }
}
