package io.syncabel.runtime.model.pretrained;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;

/**
 * Issue 17's question: should the generator's feed-forward use the tanh GELU built from element-wise ops
 * ({@link BertEncoder#tanhGelu}, which never calls libtorch's fused GELU kernel, whose oneDNN backward crashed once in
 * training) instead of the exact erf GELU?
 * Times forward + backward of both on the feed-forward activation of one training batch (bench/ncbi-disease's model:
 * 4,096 padded tokens x ffn 768) and reports how far the two functions are apart. A plain main, like TrieBenchmark.
 * Usage: bench/gelu [--tokens N] [--ffn F] [--rounds R]
 * Last line: tokens=<n> ffn=<f> erf_ms=<fused erf, fwd+bwd> tanh_ms=<element-wise tanh, fwd+bwd> max_abs_diff=<d>
 */
public final class GeluBenchmark {
    private GeluBenchmark() {
    }

    public static void main(String[] args) {
        int tokens = 4096;
        int ffn = 768;
        int rounds = 20;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--tokens" -> tokens = Integer.parseInt(args[i + 1]);
                case "--ffn" -> ffn = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(tokens, ffn)).mul(2f);
            double diff = Activation.gelu(x).sub(BertEncoder.tanhGelu(x)).abs().max().getFloat();
            // alternate the two in every round and keep each one's best, so a passing load spike does not decide
            double erf = Double.MAX_VALUE;
            double tanh = Double.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                erf = Math.min(erf, forwardBackwardMs(manager, x, Activation::gelu));
                tanh = Math.min(tanh, forwardBackwardMs(manager, x, BertEncoder::tanhGelu));
            }
            System.out.printf("tokens=%d ffn=%d erf_ms=%.2f tanh_ms=%.2f max_abs_diff=%.5f%n", tokens, ffn, erf, tanh, diff);
        }
    }

    static double forwardBackwardMs(NDManager manager, NDArray input, UnaryOperator<NDArray> gelu) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = input.duplicate();
            x.attach(scope);
            x.setRequiresGradient(true);
            long start = System.nanoTime();
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = gelu.apply(x);
                collector.backward(y.sum());
            }
            x.getGradient().sum().getFloat(); // wait for the result
            return (System.nanoTime() - start) / 1e6;
        }
    }
}
