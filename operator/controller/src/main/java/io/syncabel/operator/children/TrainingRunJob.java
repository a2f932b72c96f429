package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.TrainingRunSpec;
import io.syncabel.operator.OperatorSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** TrainingRun → a Job running {@code syncabel train} (GPU resources and placement from the spec). */
public final class TrainingRunJob {
    public static final String SUFFIX = "train";

    private TrainingRunJob() {
    }

    public static Job desired(OperatorSettings settings, TrainingRun tr, StageRun run) {
        return StageJobs.job(settings, tr, tr.getSpec(), SUFFIX, args(tr), run, List.of()).build();
    }

    /**
     * {@code train}, and the pretrained checkpoints (spec.model.pretrained, spec.model.densePretrained) and spec.model.dense
     * as the flags the runtime takes.
     */
    static List<String> args(TrainingRun tr) {
        List<String> args = new ArrayList<>(List.of("train"));
        pretrained(tr).ifPresent(p -> add(args, "--pretrained", p));
        densePretrained(tr).ifPresent(p -> add(args, "--dense-pretrained", p));
        if (Boolean.FALSE.equals(Optional.ofNullable(tr.getSpec().getModel()).map(TrainingRunSpec.ModelSpec::getDense).orElse(null))) {
            args.add("--no-dense"); // else the image's default encoder trains one
        }
        return args;
    }

    private static void add(List<String> args, String flag, TrainingRunSpec.Pretrained p) {
        args.addAll(List.of(flag, p.getUri()));
        if (p.getDigest() != null) {
            args.addAll(List.of(flag + "-digest", p.getDigest()));
        }
    }

    public static Optional<TrainingRunSpec.Pretrained> pretrained(TrainingRun tr) {
        return Optional.ofNullable(tr.getSpec().getModel()).map(TrainingRunSpec.ModelSpec::getPretrained);
    }

    public static Optional<TrainingRunSpec.Pretrained> densePretrained(TrainingRun tr) {
        return Optional.ofNullable(tr.getSpec().getModel()).map(TrainingRunSpec.ModelSpec::getDensePretrained);
    }
}
