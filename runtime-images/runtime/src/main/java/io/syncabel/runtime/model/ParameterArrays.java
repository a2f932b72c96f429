package io.syncabel.runtime.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Arrays kept per model parameter by the trainer (AdamW's moments, the weight average), as a trainer state stores
 * them: a magic number, a count, then per parameter its path in the block and its arrays encoded together. Keyed by
 * path because DJL's parameter ids change with every model instance.
 */
final class ParameterArrays {
    private ParameterArrays() {
    }

    static void write(DataOutputStream data, int magic, Map<String, NDArray[]> arrays) throws IOException {
        data.writeInt(magic);
        data.writeInt(arrays.size());
        for (Map.Entry<String, NDArray[]> e : arrays.entrySet()) {
            data.writeUTF(e.getKey());
            byte[] encoded = new NDList(e.getValue()).encode();
            data.writeInt(encoded.length);
            data.write(encoded);
        }
    }

    /**
     * Reads what {@link #write} wrote: {@code arity} arrays per path, each path naming a parameter whose shape the
     * first array has; {@code notThere} is the error when the magic is missing (another table, or the end of the
     * state), {@code what} names the table in a mismatch.
     */
    static Map<String, NDArray[]> read(DataInputStream data, int magic, String notThere, String what, int arity,
            NDManager manager, List<Map.Entry<String, Parameter>> parameters) throws IOException {
        int found;
        try {
            found = data.readInt();
        } catch (EOFException e) {
            found = ~magic;
        }
        if (found != magic) {
            throw new IOException(notThere);
        }
        Map<String, Parameter> byPath = new LinkedHashMap<>();
        parameters.forEach(e -> byPath.put(e.getKey(), e.getValue()));
        Map<String, NDArray[]> loaded = new LinkedHashMap<>();
        int n = data.readInt();
        for (int i = 0; i < n; i++) {
            String path = data.readUTF();
            NDList arrays = NDList.decode(manager, data.readNBytes(data.readInt()));
            Parameter p = byPath.get(path);
            if (p == null || arrays.size() != arity || !arrays.get(0).getShape().equals(p.getArray().getShape())) {
                throw new IOException(what + " for " + path + " does not match the model");
            }
            loaded.put(path, arrays.toArray(new NDArray[0]));
        }
        return loaded;
    }
}
