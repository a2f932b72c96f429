package io.syncabel.runtime.model.pretrained;

import java.util.Arrays;

/**
 * One named weight of a Hugging Face checkpoint ({@code encoder.layer.0.attention.self.query.weight}),
 * in the checkpoint's own layout (a Linear weight is {@code [out, in]}) and widened to float32 whatever
 * its stored dtype. The shared currency between checkpoint readers (safetensors, the ONNX importer) and
 * the blocks that load them, so a block never knows which file format its weights came from.
 */
public record HfTensor(String name, long[] shape, float[] data) {

    public HfTensor {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
                    + " needs " + size + " values, has " + data.length);
        }
    }

    public int rank() {
        return shape.length;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
