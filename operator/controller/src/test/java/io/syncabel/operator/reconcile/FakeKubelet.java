package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.syncabel.operator.children.Labels;
import io.syncabel.operator.children.Names;
import io.syncabel.operator.children.RuntimePod;
import io.syncabel.operator.children.StageJobs;
import io.syncabel.runtime.cli.Env;
import io.syncabel.runtime.cli.SyncabelCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The Job controller's and the kubelet's part, played in-process against the fabric8 mock server: each
 * Job the operator creates is run by calling the runtime CLI ({@link SyncabelCli#commandLine(Env)}) with
 * the container's args and environment, as a pod would run the runtime image. What it writes back is
 * what Kubernetes would: a Pod per attempt (running, then terminated with exit code and termination
 * message), and the Job's status (active, succeeded, Complete/Failed conditions). A LinkerDeployment's
 * Deployment is served by {@code syncabel serve} on a free local port and marked available once
 * {@code /v2/health/ready} answers 200, as its readiness probe would.
 *
 * <p>Limits, by design: Jobs run one at a time (parallelism and indexes are sequential); a Job deleted
 * while its command runs is not interrupted; the runtime resolves relative {@code file:} URIs against
 * this JVM's working directory, so manifests should use absolute ones ({@link #absoluteFileUris}).
 */
final class FakeKubelet implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FakeKubelet.class);
    /** What the kubelet keeps of a failed container's log when it wrote no termination message. */
    static final int FALLBACK_LOG_BYTES = 2048;
    static final Pattern SERVICE_URL = Pattern.compile("http://([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc(?::\\d+)?");

    private final KubernetesClient client;
    private final String namespace;
    private final Path scratch;
    private final ExecutorService jobs = Executors.newSingleThreadExecutor(daemon("fake-kubelet-jobs"));
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final Map<String, Server> servers = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile CountDownLatch hold;

    /** A running {@code syncabel serve}: a hash of its Deployment's pod template and the local port. */
    record Server(String hash, int port, Thread thread) {
    }

    FakeKubelet(KubernetesClient client, String namespace, Path scratch) {
        this.client = client;
        this.namespace = namespace;
        this.scratch = scratch;
    }

    FakeKubelet start() {
        informers.add(client.batch().v1().jobs().inNamespace(namespace).inform(handler(this::consider), 0));
        informers.add(client.apps().deployments().inNamespace(namespace).inform(handler(this::serve), 0));
        return this;
    }

    /**
     * Jobs started from now on show a running pod and then wait, before the runtime runs, until the
     * returned latch is counted down: a run that stays "in the middle" for as long as a test needs.
     */
    CountDownLatch holdJobs() {
        CountDownLatch latch = new CountDownLatch(1);
        hold = latch;
        return latch;
    }

    /** The URL a test (or an in-process stage) uses for an in-cluster Service URL of a served linker. */
    String localUrl(String clusterUrl) {
        Matcher m = SERVICE_URL.matcher(clusterUrl);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Server server = servers.get(m.group(2) + "/" + m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(server == null ? m.group() : "http://127.0.0.1:" + server.port()));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        jobs.shutdownNow();
        servers.values().forEach(s -> s.thread().interrupt());
    }

    // ---- Jobs ----

    private void consider(Job job) {
        boolean finished = Optional.ofNullable(job.getStatus()).map(s -> s.getConditions()).orElse(List.of()).stream()
                .anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()));
        if (finished || Boolean.TRUE.equals(job.getSpec().getSuspend()) || job.getMetadata().getDeletionTimestamp() != null
                || !started.add(Optional.ofNullable(job.getMetadata().getUid()).orElse(job.getMetadata().getName()))) {
            return;
        }
        CountDownLatch gate = hold;
        jobs.submit(() -> {
            try {
                run(job, gate);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | IOException e) {
                LOG.errorf(e, "fake kubelet: Job %s", job.getMetadata().getName());
            }
        });
    }

    private void run(Job job, CountDownLatch gate) throws IOException, InterruptedException {
        String name = job.getMetadata().getName();
        boolean indexed = "Indexed".equals(job.getSpec().getCompletionMode());
        int completions = Optional.ofNullable(job.getSpec().getCompletions()).orElse(1);
        int backoffLimit = Optional.ofNullable(job.getSpec().getBackoffLimit()).orElse(indexed ? Integer.MAX_VALUE : 6);
        int perIndex = Optional.ofNullable(job.getSpec().getBackoffLimitPerIndex()).orElse(indexed ? 0 : Integer.MAX_VALUE);
        String start = now();
        updateJob(job, b -> b.editOrNewStatus().withStartTime(start).withActive(1).withSucceeded(0).endStatus());

        int succeeded = 0;
        int failures = 0;
        String failure = null;
        String failureMessage = null;
        for (int index = 0; index < completions && failure == null; index++) {
            for (int attempt = 0; ; attempt++) {
                Pod pod = createPod(job, indexed ? index : null, attempt);
                if (gate != null && attempt == 0 && index == 0) {
                    gate.await();
                }
                int exit = execute(job, pod, indexed ? index : null, completions);
                if (exit == 0) {
                    succeeded++;
                    int done = succeeded;
                    updateJob(job, b -> b.editOrNewStatus().withSucceeded(done).endStatus());
                    break;
                }
                failures++;
                if (exit == StageJobs.EXIT_BAD_INPUT) {
                    failure = "PodFailurePolicy";
                    failureMessage = "Container runtime for pod " + namespace + "/" + pod.getMetadata().getName()
                            + " failed with exit code 2 matching FailJob rule at index 0";
                    break;
                }
                if (indexed ? attempt >= perIndex : failures > backoffLimit) {
                    failure = indexed ? "FailedIndexes" : "BackoffLimitExceeded";
                    failureMessage = indexed ? "Job has failed indexes" : "Job has reached the specified backoff limit";
                    break;
                }
            }
        }
        String end = now();
        JobCondition condition = failure == null
                ? new JobConditionBuilder().withType("Complete").withStatus("True").withLastTransitionTime(end).build()
                : new JobConditionBuilder().withType("Failed").withStatus("True").withReason(failure).withMessage(failureMessage)
                        .withLastTransitionTime(end).build();
        boolean ok = failure == null;
        int failed = failures;
        updateJob(job, b -> b.editOrNewStatus().withActive(0).withFailed(failed).withCompletionTime(ok ? end : null)
                .addToConditions(condition).endStatus());
        LOG.infof("fake kubelet: Job %s %s", name, ok ? "complete" : "failed (" + failure + ")");
    }

    private Pod createPod(Job job, Integer index, int attempt) {
        Map<String, String> labels = new HashMap<>(Optional.ofNullable(job.getSpec().getTemplate().getMetadata().getLabels()).orElse(Map.of()));
        labels.put(Labels.JOB_NAME, job.getMetadata().getName());
        if (index != null) {
            labels.put(Labels.COMPLETION_INDEX, String.valueOf(index));
        }
        String name = job.getMetadata().getName() + (index == null ? "" : "-" + index) + "-" + attempt;
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec())
                .withNewStatus().withPhase("Running").withStartTime(now())
                .addToContainerStatuses(new ContainerStatusBuilder().withName(RuntimePod.CONTAINER).withReady(true)
                        .withNewState().withNewRunning().withStartedAt(now()).endRunning().endState().build())
                .endStatus().build();
        return client.pods().resource(pod).create();
    }

    /** Runs the container in-process and records its end in the pod, as the kubelet would. */
    private int execute(Job job, Pod pod, Integer index, int completions) throws IOException {
        Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        Path terminationLog = Files.createTempFile(scratch, pod.getMetadata().getName(), ".termination-log");
        Map<String, String> env;
        try {
            env = env(container);
        } catch (IllegalStateException e) {
            // a missing Secret key: the kubelet never starts the container
            client.pods().resource(new PodBuilder(pod).editStatus().withPhase("Pending").withContainerStatuses(
                    new ContainerStatusBuilder().withName(RuntimePod.CONTAINER).withNewState().withNewWaiting()
                            .withReason("CreateContainerConfigError").withMessage(e.getMessage()).endWaiting().endState().build())
                    .endStatus().build()).updateStatus();
            return 1;
        }
        env.put("SYNCABEL_TERMINATION_LOG", terminationLog.toString());
        if (index != null) {
            env.put("JOB_COMPLETION_INDEX", String.valueOf(index));
        }
        List<String> args = Optional.ofNullable(container.getArgs()).orElse(List.of());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit;
        try {
            var cli = SyncabelCli.commandLine(Env.of(env));
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            exit = cli.execute(args.toArray(String[]::new));
        } catch (RuntimeException e) {
            err.append(e.toString());
            exit = 1;
        }
        String message = Files.readString(terminationLog, StandardCharsets.UTF_8).strip();
        if (message.isEmpty() && exit != 0 && "FallbackToLogsOnError".equals(container.getTerminationMessagePolicy())) {
            String logs = (out + err.toString()).strip();
            message = logs.length() <= FALLBACK_LOG_BYTES ? logs : logs.substring(logs.length() - FALLBACK_LOG_BYTES);
        }
        LOG.infof("fake kubelet: %s %s exited %d%s", pod.getMetadata().getName(), String.join(" ", args), exit,
                exit == 0 ? "" : ": " + err.toString().strip());
        String finished = now();
        int code = exit;
        String terminated = message;
        client.pods().resource(new PodBuilder(pod).editStatus().withPhase(exit == 0 ? "Succeeded" : "Failed")
                .withContainerStatuses(new ContainerStatusBuilder().withName(RuntimePod.CONTAINER).withReady(false)
                        .withNewState().withNewTerminated().withExitCode(code).withReason(code == 0 ? "Completed" : "Error")
                        .withMessage(terminated.isEmpty() ? null : terminated).withFinishedAt(finished).endTerminated().endState()
                        .build())
                .endStatus().build()).updateStatus();
        return exit;
    }

    /** The container's environment: plain values, secretKeyRefs read from the mock's Secrets, service URLs made local. */
    Map<String, String> env(Container container) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
            if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                secretValue(var.getValueFrom().getSecretKeyRef()).ifPresent(v -> env.put(var.getName(), v));
            } else if (var.getValueFrom() == null) {
                env.put(var.getName(), localUrl(Optional.ofNullable(var.getValue()).orElse("")));
            }
        }
        return env;
    }

    private Optional<String> secretValue(SecretKeySelector ref) {
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        Optional<String> value = Optional.ofNullable(secret).flatMap(s -> Optional.ofNullable(s.getData()).map(d -> d.get(ref.getKey()))
                .map(b64 -> new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8))
                .or(() -> Optional.ofNullable(s.getStringData()).map(d -> d.get(ref.getKey()))));
        if (value.isEmpty() && !Boolean.TRUE.equals(ref.getOptional())) {
            throw new IllegalStateException("couldn't find key " + ref.getKey() + " in Secret " + namespace + "/" + ref.getName());
        }
        return value;
    }

    // ---- Deployments ----

    private void serve(Deployment deployment) {
        Map<String, String> labels = Optional.ofNullable(deployment.getMetadata().getLabels()).orElse(Map.of());
        if (!"LinkerDeployment".equals(labels.get(Labels.KIND)) || deployment.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String key = namespace + "/" + deployment.getMetadata().getName();
        // a new pod template is a rollout (what a ReplicaSet's pod-template-hash tells apart); a scale is not
        String hash = Names.sha256Hex(client.getKubernetesSerialization().asJson(deployment.getSpec().getTemplate()));
        Server running = servers.get(key);
        if (running != null && running.hash().equals(hash)) {
            return;
        }
        if (running != null) {
            running.thread().interrupt();
        }
        int port = freePort();
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = env(container);
        List<String> args = new ArrayList<>(Optional.ofNullable(container.getArgs()).orElse(List.of()));
        args.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(port)));
        Thread thread = daemon("fake-kubelet-serve-" + deployment.getMetadata().getName()).newThread(() -> {
            StringWriter err = new StringWriter();
            var cli = SyncabelCli.commandLine(Env.of(env));
            cli.setErr(new PrintWriter(err, true));
            int exit = cli.execute(args.toArray(String[]::new));
            LOG.infof("fake kubelet: serve %s exited %d: %s", key, exit, err.toString().strip());
        });
        servers.put(key, new Server(hash, port, thread));
        thread.start();
        Thread readiness = daemon("fake-kubelet-ready-" + deployment.getMetadata().getName()).newThread(() -> markAvailableWhenReady(deployment, port));
        readiness.start();
    }

    /** The readiness probe: GET /v2/health/ready until 200, then the Deployment's status says available. */
    private void markAvailableWhenReady(Deployment deployment, int port) {
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
        Deployment live = client.apps().deployments().resource(deployment).get();
        int replicas = Optional.ofNullable(live.getSpec().getReplicas()).orElse(1);
        client.apps().deployments().resource(new DeploymentBuilder(live).editOrNewStatus()
                .withObservedGeneration(live.getMetadata().getGeneration()).withReplicas(replicas).withUpdatedReplicas(replicas)
                .withReadyReplicas(replicas).withAvailableReplicas(replicas)
                .withConditions().addNewCondition().withType("Available").withStatus("True").withReason("MinimumReplicasAvailable").endCondition()
                .endStatus().build()).updateStatus();
    }

    // ---- helpers ----

    private void updateJob(Job job, java.util.function.UnaryOperator<JobBuilder> change) {
        client.batch().v1().jobs().inNamespace(namespace).withName(job.getMetadata().getName())
                .editStatus(live -> change.apply(new JobBuilder(live)).build());
    }

    static <T> ResourceEventHandler<T> handler(java.util.function.Consumer<T> onChange) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                onChange.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                onChange.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            }
        };
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * A manifest's relative {@code file:} URIs made absolute against {@code base}: in a pod the runtime
     * resolves them against its working directory, and in-process that is this JVM's, which a test
     * cannot set per stage.
     */
    static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T absoluteFileUris(T resource, Path base) {
        // the same rule as `syncabel run -f` (LocalRun): a manifest's data travels with it
        var mapper = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
        var tree = io.syncabel.runtime.pipeline.LocalRun.absoluteFileUris(mapper.valueToTree(resource), base);
        @SuppressWarnings("unchecked")
        T rewritten = (T) mapper.convertValue(tree, resource.getClass());
        return rewritten;
    }
}
