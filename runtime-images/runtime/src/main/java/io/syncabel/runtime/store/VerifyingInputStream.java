package io.syncabel.runtime.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Hashes what is read and fails at end of stream when size or sha256 differ from the manifest. */
final class VerifyingInputStream extends FilterInputStream {
    private final String uri;
    private final Manifest.FileEntry expected;
    private final MessageDigest digest = HashingOutputStream.sha256Digest();
    private long size;
    private boolean verified;

    VerifyingInputStream(InputStream in, String uri, Manifest.FileEntry expected) {
        super(in);
        this.uri = uri;
        this.expected = expected;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            verify();
        } else {
            digest.update((byte) b);
            size++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            verify();
        } else {
            digest.update(b, off, n);
            size += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipping would leave bytes unhashed: read them instead
        byte[] buffer = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void verify() {
        if (verified) {
            return;
        }
        verified = true;
        String sha = HexFormat.of().formatHex(digest.digest());
        if (size != expected.size() || !sha.equals(expected.sha256())) {
            throw new StoreException(uri + ": checksum mismatch (manifest says " + expected.size() + " bytes sha256 "
                    + expected.sha256() + ", read " + size + " bytes sha256 " + sha + ")");
        }
    }
}
