package io.syncabel.runtime.pipeline;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.syncabel.api.v1alpha1.Evaluation;
import io.syncabel.api.v1alpha1.Kinds;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A set of syncabel.io manifests read from files, in an order where every resource comes after the
 * resources it references: what `syncabel run -f` executes and what the operator's reconcilers wait on.
 */
public record Pipeline(List<Stage> stages) {

    /** One manifest, where it came from, and the resources it references (kind/name keys). */
    public record Stage(HasMetadata resource, Path file, List<String> references) {
        public String key() {
            return Pipeline.key(resource.getKind(), resource.getMetadata().getName());
        }
    }

    static String key(String kind, String name) {
        return kind + "/" + name;
    }

    /** Reads every .yaml/.yml under the given files or folders (multi-document files allowed). */
    public static Pipeline load(List<Path> paths) {
        Map<String, Stage> byKey = new LinkedHashMap<>();
        for (Path file : yamlFiles(paths)) {
            for (HasMetadata resource : parse(file)) {
                Stage stage = new Stage(resource, file, references(resource));
                Stage previous = byKey.putIfAbsent(stage.key(), stage);
                if (previous != null) {
                    throw new UserError(file + ": " + stage.key() + " is also defined in " + previous.file());
                }
            }
        }
        if (byKey.isEmpty()) {
            throw new UserError("no syncabel.io manifests found in " + paths);
        }
        return new Pipeline(order(byKey));
    }

    private static List<Path> yamlFiles(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new UserError(path + ": no such file or folder");
            }
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                            .sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UserError(path + ": " + e.getMessage(), e);
                }
            } else {
                files.add(path);
            }
        }
        return files;
    }

    private static List<HasMetadata> parse(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
        List<HasMetadata> out = new ArrayList<>();
        int document = 0;
        for (String doc : text.split("(?m)^---\\s*$")) {
            document++;
            if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            Object parsed;
            try {
                parsed = Serialization.unmarshal(doc);
            } catch (RuntimeException e) {
                throw new UserError(file + " (document " + document + "): not a valid manifest: " + rootMessage(e), e);
            }
            if (!(parsed instanceof HasMetadata resource) || Kinds.byKind(resource.getKind()).isEmpty()) {
                String kind = parsed instanceof HasMetadata h ? h.getApiVersion() + " " + h.getKind() : "?";
                throw new UserError(file + " (document " + document + "): kind " + kind
                        + " is not one of syncabel.io/v1alpha1 KnowledgeBase, SyntheticDataset, TrainingRun, LinkerDeployment, Evaluation");
            }
            if (resource.getMetadata() == null || resource.getMetadata().getName() == null) {
                throw new UserError(file + " (document " + document + "): field metadata.name: required");
            }
            out.add(resource);
        }
        return out;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage().lines().findFirst().orElse("");
    }

    /** The kind/name keys a resource references through its spec. */
    static List<String> references(HasMetadata resource) {
        List<String> refs = new ArrayList<>();
        if (resource instanceof SyntheticDataset s && s.getSpec() != null) {
            add(refs, "KnowledgeBase", s.getSpec().getKnowledgeBaseRef());
        } else if (resource instanceof TrainingRun t && t.getSpec() != null) {
            add(refs, "KnowledgeBase", t.getSpec().getKnowledgeBaseRef());
            if (t.getSpec().getSyntheticDatasetRefs() != null) {
                t.getSpec().getSyntheticDatasetRefs().forEach(r -> add(refs, "SyntheticDataset", r));
            }
        } else if (resource instanceof LinkerDeployment l && l.getSpec() != null) {
            add(refs, "TrainingRun", l.getSpec().getTrainingRunRef());
        } else if (resource instanceof Evaluation e && e.getSpec() != null) {
            add(refs, "LinkerDeployment", e.getSpec().getLinkerRef());
            add(refs, "TrainingRun", e.getSpec().getTrainingRunRef());
        } else if (!(resource instanceof KnowledgeBase)) {
            throw new IllegalStateException("unknown kind " + resource.getKind());
        }
        return refs;
    }

    private static void add(List<String> refs, String kind, LocalObjectRef ref) {
        if (ref != null && ref.getName() != null) {
            refs.add(key(kind, ref.getName()));
        }
    }

    /** Depth-first topological order, stable in file order; unknown references and cycles are user errors. */
    private static List<Stage> order(Map<String, Stage> byKey) {
        List<Stage> ordered = new ArrayList<>();
        Map<String, Boolean> state = new LinkedHashMap<>(); // false = visiting, true = done
        for (Stage stage : byKey.values()) {
            visit(stage, byKey, state, ordered);
        }
        return ordered;
    }

    private static void visit(Stage stage, Map<String, Stage> byKey, Map<String, Boolean> state, List<Stage> out) {
        Boolean seen = state.get(stage.key());
        if (Boolean.TRUE.equals(seen)) {
            return;
        }
        if (Boolean.FALSE.equals(seen)) {
            throw new UserError(stage.file() + ": " + stage.key() + " is part of a reference cycle");
        }
        state.put(stage.key(), false);
        for (String ref : stage.references()) {
            Stage target = byKey.get(ref);
            if (target == null) {
                throw new UserError(stage.file() + ": " + stage.key() + " references " + ref
                        + ", which is not among the manifests given");
            }
            visit(target, byKey, state, out);
        }
        state.put(stage.key(), true);
        out.add(stage);
    }
}
