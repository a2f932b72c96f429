package io.syncabel.runtime.store;

import static io.syncabel.runtime.store.S3Calls.await;

import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.messages.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one object to S3: up to one part is buffered in memory; a small object is sent with one PUT when
 * closed, a large one as a multipart upload, a part each time the buffer fills. Buffering the part is what
 * makes each request retryable (a half-sent stream cannot be replayed). The object only appears in the bucket
 * once {@link #close()} completes; on failure the multipart upload is aborted so no parts linger.
 */
final class S3ObjectOutputStream extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectOutputStream.class);
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final MinioAsyncClient client;
    private final S3Calls calls;
    private final S3Location location;
    private final int partSize;
    private final List<Part> parts = new ArrayList<>();
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private int count;
    private String uploadId;
    private boolean closed;
    private StoreException failure;

    S3ObjectOutputStream(MinioAsyncClient client, S3Calls calls, S3Location location, int partSize) {
        this.client = client;
        this.calls = calls;
        this.location = location;
        this.partSize = partSize;
    }

    @Override
    public void write(int b) throws IOException {
        ensureWritable();
        if (count == partSize) {
            uploadPart();
        }
        ensureCapacity(count + 1);
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureWritable();
        while (len > 0) {
            if (count == partSize) {
                // only now, with more bytes coming, is the full buffer known not to be the last part
                uploadPart();
            }
            int n = Math.min(len, partSize - count);
            ensureCapacity(count + n);
            System.arraycopy(b, off, buffer, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    /** Parts sent so far (0 for an object sent with a single PUT). */
    int partsUploaded() {
        return parts.size();
    }

    /** Whether an upload failed: the object is incomplete and must not be published. */
    boolean failed() {
        return failure != null;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (failure != null) {
            return; // already reported by the write that failed; the writer refuses to publish
        }
        try {
            if (uploadId == null) {
                byte[] bytes = buffer;
                int size = count;
                calls.call("PUT", location.uri(), () -> await(client.putObject(PutObjectArgs.builder()
                        .bucket(location.bucket()).object(location.key())
                        .stream(new ByteArrayInputStream(bytes, 0, size), size, -1).build())));
            } else {
                if (count > 0) {
                    uploadPart();
                }
                Part[] done = parts.toArray(new Part[0]);
                calls.call("complete multipart upload of", location.uri(), () -> await(client.completeMultipartUploadAsync(
                        location.bucket(), null, location.key(), uploadId, done, null, null)));
            }
        } catch (StoreException | IOException e) {
            fail(e);
            throw e;
        } finally {
            buffer = null;
        }
    }

    /** Abandons the object: aborts a multipart upload in progress (best effort) so its parts do not linger. */
    void abort() {
        if (!closed) {
            closed = true;
            buffer = null;
            abortUpload();
        }
    }

    private void uploadPart() throws IOException {
        if (uploadId == null) {
            uploadId = calls.call("start multipart upload of", location.uri(), () -> await(client.createMultipartUploadAsync(
                    location.bucket(), null, location.key(), null, null)).result().uploadId());
        }
        int number = parts.size() + 1;
        byte[] data = count == buffer.length ? buffer : Arrays.copyOf(buffer, count);
        try {
            String etag = calls.call("upload part " + number + " of", location.uri(), () -> await(client.uploadPartAsync(
                    location.bucket(), null, location.key(), data, data.length, uploadId, number, null, null)).etag());
            parts.add(new Part(number, etag));
            count = 0;
        } catch (StoreException | IOException e) {
            fail(e);
            throw e;
        }
    }

    private void fail(Exception e) {
        failure = e instanceof StoreException store ? store : new StoreException(e.getMessage(), e);
        buffer = null;
        abortUpload();
    }

    private void abortUpload() {
        if (uploadId == null) {
            return;
        }
        String id = uploadId;
        uploadId = null;
        try {
            calls.call("abort multipart upload of", location.uri(), () -> await(client.abortMultipartUploadAsync(
                    location.bucket(), null, location.key(), id, null, null)));
        } catch (StoreException | IOException e) {
            // the parts stay until a bucket lifecycle rule (AbortIncompleteMultipartUpload) removes them
            LOG.warn("could not abort the multipart upload of {}: {}", location.uri(), e.getMessage());
        }
    }

    private void ensureWritable() throws IOException {
        if (failure != null) {
            throw new StoreException(location.uri() + ": an earlier upload failed, the object is incomplete ("
                    + failure.getMessage() + ")", failure);
        }
        if (closed) {
            throw new IOException(location.uri() + ": stream closed");
        }
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            // grow by doubling up to one part: small files never hold a whole part's worth of memory
            buffer = Arrays.copyOf(buffer, Math.min(partSize, Math.max(needed, buffer.length * 2)));
        }
    }
}
