package io.syncabel.runtime.model.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The safetensors format (an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the raw bytes), read into float32 {@link HfTensor}s and written as F32.
 * DJL's {@code NDList.decode} reads safetensors too, but only into engine arrays, without sharding and
 * with errors that name neither file nor tensor; this reader needs no engine.
 */
public final class Safetensors {
    /** The index of a sharded checkpoint: {@code weight_map} from tensor name to shard file. */
    public static final String INDEX = "model.safetensors.index.json";
    public static final String SINGLE = "model.safetensors";
    private static final String METADATA = "__metadata__";
    /** A header larger than this is not a real checkpoint (the format's own reference limit is 100 MB). */
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {
    }

    /** Every tensor of one file, in header order, widened to float32. */
    public static Map<String, HfTensor> read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new UserError(file + ": truncated safetensors file (" + size + " bytes, no header length)");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new UserError(file + ": header length " + headerLength + " is beyond the file (" + size + " bytes)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            JsonNode header;
            try {
                header = Json.MAPPER.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new UserError(file + ": the safetensors header is not JSON: " + e.getMessage(), e);
            }
            if (header == null || !header.isObject()) {
                throw new UserError(file + ": the safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLength;
            long dataSize = size - dataStart;
            Map<String, HfTensor> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> entry = it.next();
                String name = entry.getKey();
                if (name.equals(METADATA)) {
                    continue;
                }
                tensors.put(name, readTensor(channel, file, name, entry.getValue(), dataStart, dataSize));
            }
            return tensors;
        }
    }

    private static HfTensor readTensor(FileChannel channel, Path file, String name, JsonNode info, long dataStart, long dataSize)
            throws IOException {
        String where = file + ": tensor " + name;
        String dtype = info.path("dtype").asText("");
        Dtype type = Dtype.of(dtype);
        if (type == null) {
            throw new UserError(where + ": unknown dtype '" + dtype + "' (expected F32, F16, BF16, F64 or I64)");
        }
        JsonNode shapeNode = info.path("shape");
        JsonNode offsets = info.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new UserError(where + ": needs 'shape' and two 'data_offsets'");
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new UserError(where + ": bad shape " + shapeNode);
            }
            count *= shape[i];
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new UserError(where + ": data offsets [" + begin + ", " + end + "] out of range (the data is " + dataSize
                    + " bytes; a truncated file?)");
        }
        if (end - begin != count * type.bytes) {
            throw new UserError(where + ": data offsets [" + begin + ", " + end + "] hold " + (end - begin) + " bytes, but "
                    + dtype + Arrays.toString(shape) + " needs " + count * type.bytes);
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new UserError(where + ": " + count + " values are too many for one array");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, bytes, dataStart + begin);
        bytes.flip();
        return new HfTensor(name, shape, type.widen(bytes, (int) count));
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /** The tensors of a checkpoint folder: {@code model.safetensors}, or the shards its index names. */
    public static Map<String, HfTensor> readCheckpoint(Path dir) throws IOException {
        Path index = dir.resolve(INDEX);
        if (!Files.exists(index)) {
            Path single = dir.resolve(SINGLE);
            if (!Files.exists(single)) {
                throw new UserError(dir + ": no " + SINGLE + " and no " + INDEX);
            }
            return read(single);
        }
        JsonNode weightMap;
        try {
            weightMap = Json.MAPPER.readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new UserError(index + ": not JSON: " + e.getMessage(), e);
        }
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new UserError(index + ": no 'weight_map' object");
        }
        Map<String, String> shardOf = new LinkedHashMap<>();
        weightMap.fields().forEachRemaining(e -> shardOf.put(e.getKey(), e.getValue().asText()));
        Map<String, HfTensor> all = new LinkedHashMap<>();
        for (String shard : new TreeSet<>(shardOf.values())) {
            Path shardFile = dir.resolve(shard);
            if (shard.contains("/") || shard.contains("..") || !Files.exists(shardFile)) {
                throw new UserError(index + ": shard '" + shard + "' is missing from " + dir);
            }
            for (HfTensor t : read(shardFile).values()) {
                String expected = shardOf.get(t.name());
                if (!shard.equals(expected)) {
                    throw new UserError(shardFile + ": tensor " + t.name() + " is not mapped to this shard in " + index);
                }
                all.put(t.name(), t);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String name : shardOf.keySet()) {
            if (!all.containsKey(name)) {
                missing.add(name + " (in " + shardOf.get(name) + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new UserError(index + ": tensors listed but absent from their shard: " + missing);
        }
        // index order, so a sharded checkpoint reads like the single file it was split from
        Map<String, HfTensor> ordered = new LinkedHashMap<>();
        shardOf.keySet().forEach(n -> ordered.put(n, all.get(n)));
        return ordered;
    }

    /** Writes the tensors as one F32 safetensors file with {@code __metadata__ {"format":"pt"}}. */
    public static void write(Map<String, HfTensor> tensors, OutputStream out) throws IOException {
        write(tensors.values().stream().map(t -> new Pending(t.name(), t.shape(), t::data)).toList(), out);
    }

    /**
     * A tensor to write: its name and shape, and its values fetched only when its turn comes, so a network's weights
     * are written one tensor at a time instead of all gathered on the heap first (mBART-large-50: 2.4 GB).
     */
    public record Pending(String name, long[] shape, java.util.function.Supplier<float[]> data) {
        long values() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** Bytes a write hands the stream at once. */
    private static final int CHUNK = 1 << 20;

    /**
     * {@link #write(Map, OutputStream)} for tensors whose values are fetched one at a time, in order, once the previous
     * one is written: the header is made from the shapes alone; a tensor whose values do not fill its shape is an error.
     */
    public static void write(List<Pending> tensors, OutputStream out) throws IOException {
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.putObject(METADATA).put("format", "pt");
        long offset = 0;
        for (Pending t : tensors) {
            ObjectNode info = header.putObject(t.name());
            info.put("dtype", "F32");
            var shape = info.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long bytes = 4L * t.values();
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = Json.MAPPER.writeValueAsBytes(header);
        // pad the header with spaces so the data starts 8-byte aligned, as the reference writer does
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        out.write(head.array());
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (Pending t : tensors) {
            float[] values = t.data().get();
            if (values.length != t.values()) {
                throw new IllegalArgumentException("tensor " + t.name() + ": shape " + java.util.Arrays.toString(t.shape())
                        + " needs " + t.values() + " values, has " + values.length);
            }
            for (int at = 0; at < values.length; at += CHUNK / 4) {
                int n = Math.min(CHUNK / 4, values.length - at);
                chunk.clear();
                chunk.asFloatBuffer().put(values, at, n);
                out.write(chunk.array(), 0, 4 * n);
            }
        }
    }

    public static void write(Map<String, HfTensor> tensors, Path file) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            write(tensors, out);
        }
    }

    private enum Dtype {
        F32(4), F16(2), BF16(2), F64(8), I64(8);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        static Dtype of(String name) {
            for (Dtype d : values()) {
                if (d.name().equals(name)) {
                    return d;
                }
            }
            return null;
        }

        float[] widen(ByteBuffer b, int count) {
            float[] out = new float[count];
            switch (this) {
                case F32 -> b.asFloatBuffer().get(out);
                case F16 -> {
                    for (int i = 0; i < count; i++) {
                        out[i] = halfToFloat(b.getShort());
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < count; i++) {
                        out[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                    }
                }
                case F64 -> {
                    for (int i = 0; i < count; i++) {
                        out[i] = (float) b.getDouble();
                    }
                }
                case I64 -> {
                    for (int i = 0; i < count; i++) {
                        out[i] = b.getLong();
                    }
                }
                default -> throw new IllegalStateException(name());
            }
            return out;
        }
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float value = mantissa * 0x1p-24f; // subnormal (or zero)
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
