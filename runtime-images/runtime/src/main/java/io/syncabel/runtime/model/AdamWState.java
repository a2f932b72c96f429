package io.syncabel.runtime.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW whose moments can be saved and restored, so a resumed run continues with the optimiser it had. It runs
 * the same fused {@code adamUpdate} operator as DJL's {@code AdamW} (decoupled weight decay, bias correction);
 * DJL's optimiser keeps its moments private and keys them by parameter UUIDs that change with every model
 * instance, so a checkpoint could not carry them. Here they are keyed by the parameter's path in the block.
 */
public final class AdamWState {
    private static final int MAGIC = 0x41444d57; // "ADMW"
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    /** path -> {mean, variance}, in the block's parameter order. */
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();

    /**
     * One update of one parameter; {@code t} is the 1-based count of updates applied so far including this one.
     * Called outside any NDScope: the moments live as long as the model's manager.
     */
    public void update(String path, NDArray weight, NDArray grad, long t, float learningRate, float weightDecay) {
        NDArray[] m = moments.computeIfAbsent(path, k -> new NDArray[] {weight.zerosLike(), weight.zerosLike()});
        double coef1 = 1.0 - Math.pow(BETA1, t);
        double coef2 = 1.0 - Math.pow(BETA2, t);
        float biasCorrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
        weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, m[0], m[1]), new NDList(weight), learningRate,
                biasCorrected, weightDecay, 1f, -1f, BETA1, BETA2, EPSILON, true, true);
    }

    void save(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        ParameterArrays.write(data, MAGIC, moments);
        data.flush();
    }

    /** Replaces the moments with saved ones; every path must name a parameter of the same shape. */
    void load(InputStream in, NDManager manager, List<Map.Entry<String, Parameter>> parameters) throws IOException {
        Map<String, NDArray[]> loaded = ParameterArrays.read(new DataInputStream(in), MAGIC, "not an optimiser state",
                "optimiser state", 2, manager, parameters);
        moments.values().forEach(m -> {
            m[0].close();
            m[1].close();
        });
        moments.clear();
        moments.putAll(loaded);
    }

}
