package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static Map<String, HfTensor> tensors(HfTensor... ts) {
        Map<String, HfTensor> m = new LinkedHashMap<>();
        for (HfTensor t : ts) {
            m.put(t.name(), t);
        }
        return m;
    }

    /** A safetensors file from a header and raw little-endian data, as another writer would produce it. */
    private Path file(String name, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    private static byte[] shorts(int... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void aNetworkIsWrittenOneTensorAtATimeAsTheSameBytes() throws IOException {
        // a tensor larger than one write chunk (1 MiB) and a small one
        float[] big = new float[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.5f - 7;
        }
        Map<String, HfTensor> all = tensors(new HfTensor("big.weight", new long[] {1000, 300}, big),
                new HfTensor("small.bias", new long[] {2}, new float[] {1, -1}));
        java.io.ByteArrayOutputStream eager = new java.io.ByteArrayOutputStream();
        Safetensors.write(all, eager);
        java.io.ByteArrayOutputStream lazy = new java.io.ByteArrayOutputStream();
        List<Long> writtenWhenFetched = new java.util.ArrayList<>();
        Safetensors.write(all.values().stream().map(t -> new Safetensors.Pending(t.name(), t.shape(), () -> {
            writtenWhenFetched.add((long) lazy.size());
            return t.data();
        })).toList(), lazy);
        assertThat(lazy.toByteArray()).isEqualTo(eager.toByteArray());
        // each tensor's values are fetched only once everything before it is written
        long header = eager.size() - 4L * (big.length + 2);
        assertThat(writtenWhenFetched).containsExactly(header, header + 4L * big.length);
        assertThatThrownBy(() -> Safetensors.write(List.of(new Safetensors.Pending("w", new long[] {3}, () -> new float[2])),
                new java.io.ByteArrayOutputStream())).hasMessageContaining("tensor w: shape [3] needs 3 values, has 2");
    }

    @Test
    void float32RoundTripKeepsNamesShapesValuesAndOrder() throws IOException {
        Map<String, HfTensor> in = tensors(
                new HfTensor("z.weight", new long[] {2, 3}, new float[] {1, -2, 3.5f, 4, 5, 6e-7f}),
                new HfTensor("a.bias", new long[] {3}, new float[] {0.25f, Float.MAX_VALUE, -0f}),
                new HfTensor("scalar", new long[0], new float[] {7}));
        Path f = dir.resolve("model.safetensors");
        Safetensors.write(in, f);
        Map<String, HfTensor> out = Safetensors.read(f);
        assertThat(out.keySet()).containsExactly("z.weight", "a.bias", "scalar");
        for (HfTensor t : in.values()) {
            assertThat(out.get(t.name()).shape()).containsExactly(t.shape());
            assertThat(out.get(t.name()).data()).containsExactly(t.data());
        }
        byte[] bytes = Files.readAllBytes(f);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).isZero();
        assertThat(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8))
                .contains("\"__metadata__\":{\"format\":\"pt\"}").contains("\"dtype\":\"F32\"");
    }

    @Test
    void widensFloat16AndBfloat16() throws IOException {
        // F16: 1.0, -2.0, 0.5, 65504 (max), smallest subnormal; BF16: 1.0, -2.5, 3.140625
        byte[] f16 = shorts(0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001);
        byte[] bf16 = shorts(0x3F80, 0xC020, 0x4049);
        byte[] data = new byte[f16.length + bf16.length];
        System.arraycopy(f16, 0, data, 0, f16.length);
        System.arraycopy(bf16, 0, data, f16.length, bf16.length);
        Path f = file("half.safetensors", "{\"h\":{\"dtype\":\"F16\",\"shape\":[5],\"data_offsets\":[0,10]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,3],\"data_offsets\":[10,16]}}", data);
        Map<String, HfTensor> out = Safetensors.read(f);
        assertThat(out.get("h").data()).containsExactly(1f, -2f, 0.5f, 65504f, 0x1p-24f);
        assertThat(out.get("b").shape()).containsExactly(1, 3);
        assertThat(out.get("b").data()).containsExactly(1f, -2.5f, 3.140625f);
    }

    @Test
    void readsShardsNamedByTheIndexInIndexOrder() throws IOException {
        Safetensors.write(tensors(new HfTensor("b", new long[] {2}, new float[] {1, 2})), dir.resolve("model-00001-of-00002.safetensors"));
        Safetensors.write(tensors(new HfTensor("a", new long[] {1}, new float[] {3})), dir.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(dir.resolve(Safetensors.INDEX), "{\"metadata\":{},\"weight_map\":{\"a\":\"model-00002-of-00002.safetensors\","
                + "\"b\":\"model-00001-of-00002.safetensors\"}}");
        Map<String, HfTensor> out = Safetensors.readCheckpoint(dir);
        assertThat(out.keySet()).containsExactly("a", "b");
        assertThat(out.get("b").data()).containsExactly(1f, 2f);
    }

    @Test
    void aShardMissingFromTheFolderIsNamed() throws IOException {
        Files.writeString(dir.resolve(Safetensors.INDEX), "{\"weight_map\":{\"a\":\"model-00009.safetensors\"}}");
        assertThatThrownBy(() -> Safetensors.readCheckpoint(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("model-00009.safetensors").hasMessageContaining(Safetensors.INDEX);
    }

    @Test
    void errorsNameTheFileAndTheTensor() throws IOException {
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Safetensors.read(tiny)).isInstanceOf(UserError.class)
                .hasMessageContaining("tiny.safetensors").hasMessageContaining("truncated");

        Path longHeader = dir.resolve("long.safetensors");
        Files.write(longHeader, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertThatThrownBy(() -> Safetensors.read(longHeader)).isInstanceOf(UserError.class)
                .hasMessageContaining("long.safetensors").hasMessageContaining("header length 1000 is beyond the file");

        Path cut = file("cut.safetensors", "{\"enc.w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", floats(1, 2));
        assertThatThrownBy(() -> Safetensors.read(cut)).isInstanceOf(UserError.class)
                .hasMessageContaining("cut.safetensors").hasMessageContaining("tensor enc.w").hasMessageContaining("out of range");

        Path wrong = file("wrong.safetensors", "{\"enc.b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", floats(1, 2));
        assertThatThrownBy(() -> Safetensors.read(wrong)).isInstanceOf(UserError.class)
                .hasMessageContaining("wrong.safetensors").hasMessageContaining("tensor enc.b").hasMessageContaining("needs 12");

        Path dtype = file("dtype.safetensors", "{\"enc.q\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]);
        assertThatThrownBy(() -> Safetensors.read(dtype)).isInstanceOf(UserError.class)
                .hasMessageContaining("dtype.safetensors").hasMessageContaining("tensor enc.q").hasMessageContaining("F8_E4M3");
    }

    @Test
    void everyTensorOfARealCheckpointLayoutIsRead() throws IOException {
        // F32 written by hand with a header in another key order and padding, as the Python writer does
        Path f = file("py.safetensors", "{\"__metadata__\":{\"format\":\"pt\"},\"x\":{\"shape\":[2,1],\"dtype\":\"F32\",\"data_offsets\":[0,8]}}  ",
                floats(9, -9));
        assertThat(Safetensors.read(f).values()).extracting(HfTensor::toString).isEqualTo(List.of("x[2, 1]"));
    }
}
