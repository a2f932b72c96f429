package io.syncabel.runtime.model.pretrained;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX ModelProto an importer needs: the graph's initializers (float and int64 tensors)
 * and its nodes (name, op type, inputs, outputs, tensor attributes of Constant nodes), decoded with
 * protobuf-java's wire reader against the field numbers of onnx.proto (no generated classes).
 */
record OnnxGraph(Map<String, Tensor> initializers, List<Node> nodes) {

    /** An initializer or constant: float data (FLOAT, FLOAT16, DOUBLE) or integer data (INT32, INT64). */
    record Tensor(String name, long[] dims, int dataType, float[] floats, long[] longs) {
        boolean isFloat() {
            return floats != null;
        }
    }

    record Node(String name, String opType, List<String> inputs, List<String> outputs, Map<String, Tensor> tensorAttributes) {
    }

    // onnx.proto TensorProto.DataType
    private static final int FLOAT = 1;
    private static final int INT32 = 6;
    private static final int INT64 = 7;
    private static final int FLOAT16 = 10;
    private static final int DOUBLE = 11;

    static OnnxGraph parse(byte[] model, String source) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(model);
            in.setSizeLimit(Integer.MAX_VALUE);
            in.setRecursionLimit(1000);
            OnnxGraph graph = null;
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                if (WireFormat.getTagFieldNumber(tag) == 7 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    graph = nested(in, () -> graph(in, source));
                } else {
                    in.skipField(tag);
                }
            }
            if (graph == null) {
                throw new UserError(source + ": not an ONNX model (no graph)");
            }
            return graph;
        } catch (IOException e) {
            throw new UserError(source + ": not an ONNX model: " + e.getMessage(), e);
        }
    }

    private interface Reader<T> {
        T read() throws IOException;
    }

    private static <T> T nested(CodedInputStream in, Reader<T> reader) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        T value = reader.read();
        in.checkLastTagWas(0);
        in.popLimit(limit);
        return value;
    }

    private static OnnxGraph graph(CodedInputStream in, String source) throws IOException {
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return new OnnxGraph(initializers, nodes);
            }
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> nodes.add(nested(in, () -> node(in, source)));
                case 5 -> {
                    Tensor t = nested(in, () -> tensor(in, source));
                    initializers.put(t.name(), t);
                }
                default -> in.skipField(tag);
            }
        }
    }

    private static Node node(CodedInputStream in, String source) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        Map<String, Tensor> attributes = new LinkedHashMap<>();
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return new Node(name, opType, inputs, outputs, attributes);
            }
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readStringRequireUtf8());
                case 2 -> outputs.add(in.readStringRequireUtf8());
                case 3 -> name = in.readStringRequireUtf8();
                case 4 -> opType = in.readStringRequireUtf8();
                case 5 -> {
                    Object[] attribute = nested(in, () -> attribute(in, source));
                    if (attribute[1] != null) {
                        attributes.put((String) attribute[0], (Tensor) attribute[1]);
                    }
                }
                default -> in.skipField(tag);
            }
        }
    }

    /** AttributeProto: its name and its tensor value (t), if any; int and float attributes come back as one-value tensors. */
    private static Object[] attribute(CodedInputStream in, String source) throws IOException {
        String name = "";
        Tensor tensor = null;
        Long integer = null;
        Float real = null;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                if (tensor == null && integer != null) {
                    tensor = new Tensor(name, new long[0], INT64, null, new long[] {integer});
                }
                if (tensor == null && real != null) {
                    tensor = new Tensor(name, new long[0], FLOAT, new float[] {real}, null);
                }
                return new Object[] {name, tensor};
            }
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = in.readStringRequireUtf8();
                case 2 -> real = in.readFloat();
                case 3 -> integer = in.readInt64();
                case 5 -> tensor = nested(in, () -> tensor(in, source));
                default -> in.skipField(tag);
            }
        }
    }

    private static Tensor tensor(CodedInputStream in, String source) throws IOException {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        byte[] raw = null;
        List<Float> floatData = new ArrayList<>();
        List<Long> intData = new ArrayList<>();
        boolean external = false;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (field) {
                case 1 -> readLongs(in, packed, dims, false);
                case 2 -> dataType = in.readInt32();
                case 4 -> {
                    if (packed) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) {
                            floatData.add(in.readFloat());
                        }
                        in.popLimit(limit);
                    } else {
                        floatData.add(in.readFloat());
                    }
                }
                case 5, 7 -> readLongs(in, packed, intData, field == 5);
                case 8 -> name = in.readStringRequireUtf8();
                case 9 -> raw = in.readByteArray();
                case 13 -> {
                    external = true;
                    in.skipField(tag);
                }
                default -> in.skipField(tag);
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (external) {
            throw new UserError(source + ": tensor " + name + " keeps its data in an external file; import a self-contained ONNX model");
        }
        String where = source + ": tensor " + name;
        switch (dataType) {
            case FLOAT, FLOAT16, DOUBLE -> {
                float[] values;
                if (raw != null) {
                    int width = dataType == FLOAT ? 4 : dataType == FLOAT16 ? 2 : 8;
                    checkCount(where, raw.length / width, count);
                    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                    values = new float[(int) count];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = dataType == FLOAT ? b.getFloat() : dataType == FLOAT16 ? Safetensors.halfToFloat(b.getShort()) : (float) b.getDouble();
                    }
                } else {
                    if (dataType != FLOAT) {
                        throw new UserError(where + ": float16/double tensors are read from raw_data only");
                    }
                    checkCount(where, floatData.size(), count);
                    values = new float[floatData.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = floatData.get(i);
                    }
                }
                return new Tensor(name, shape, dataType, values, null);
            }
            case INT32, INT64 -> {
                long[] values;
                if (raw != null) {
                    int width = dataType == INT64 ? 8 : 4;
                    checkCount(where, raw.length / width, count);
                    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                    values = new long[(int) count];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = dataType == INT64 ? b.getLong() : b.getInt();
                    }
                } else {
                    checkCount(where, intData.size(), count);
                    values = intData.stream().mapToLong(Long::longValue).toArray();
                }
                return new Tensor(name, shape, dataType, null, values);
            }
            default -> {
                // other types (bool, strings...) are not weights; keep the name and shape only
                return new Tensor(name, shape, dataType, null, null);
            }
        }
    }

    private static void checkCount(String where, long have, long need) {
        if (have != need) {
            throw new UserError(where + ": holds " + have + " values, its dims need " + need);
        }
    }

    private static void readLongs(CodedInputStream in, boolean packed, List<Long> out, boolean int32) throws IOException {
        if (packed) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
                out.add(int32 ? in.readInt32() : in.readInt64());
            }
            in.popLimit(limit);
        } else {
            out.add(int32 ? (long) in.readInt32() : in.readInt64());
        }
    }
}
