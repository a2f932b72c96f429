package io.syncabel.runtime.model;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of weights or optimiser state, which for a large pretrained generator exceed what one Java array holds
 * (2 GiB: BART-large's AdamW moments, mBART-large's weights): written straight to where they go and read back as a
 * stream, never gathered into one array.
 */
public interface Payload {

    /** Writes the bytes to {@code out} (not closed). */
    void writeTo(OutputStream out) throws IOException;

    /** The bytes as a stream (the caller closes it). */
    InputStream open() throws IOException;

    /** All the bytes in one array: for small payloads (tests, the project's own model). */
    default byte[] readAll() throws IOException {
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }

    /** Bytes already in memory. */
    static Payload of(byte[] bytes) {
        return new Payload() {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(bytes);
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }

    /** The contents of a local file. */
    static Payload file(Path file) {
        return new Payload() {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                Files.copy(file, out);
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        };
    }

    /** Something that writes itself (a model's current weights, the optimiser): to be written once, not read back. */
    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    static Payload written(Writer writer) {
        return new Payload() {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                writer.writeTo(out);
            }

            @Override
            public InputStream open() {
                throw new UnsupportedOperationException("written straight to its destination, never held to be read back");
            }
        };
    }
}
