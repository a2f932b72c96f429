package io.syncabel.runtime.text;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * Lines of one input file, split on '\n' (a trailing '\r' dropped) and decoded strictly as UTF-8 line by
 * line, so a wrong encoding is an error naming its line rather than silent mojibake; gunzipped when the
 * bytes start with the gzip magic (whatever the file name says); hashed on the fly so the manifest can
 * record the input's digest without a second pass. Pure-ASCII lines, the bulk of terminology files, take
 * a fast path that skips the decoder.
 */
public final class LineSource implements Closeable {
    private final String name;
    private final DigestInputStream digest;
    private final InputStream body;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;
    private byte[] line = new byte[256];
    private long lineNumber;

    public LineSource(String name, InputStream in) throws IOException {
        this.name = name;
        try {
            this.digest = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        BufferedInputStream buffered = new BufferedInputStream(digest, 1 << 16);
        buffered.mark(2);
        int b1 = buffered.read();
        int b2 = buffered.read();
        buffered.reset();
        this.body = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    }

    /** The next line without its terminator (and without a UTF-8 byte-order mark on line 1), or null at the end. */
    public String next() {
        int len = 0;
        boolean ascii = true;
        while (true) {
            if (pos >= limit) {
                if (eof || !fill()) {
                    if (len == 0) {
                        return null;
                    }
                    break;
                }
            }
            int start = pos;
            int i = pos;
            boolean found = false;
            while (i < limit) {
                byte b = buf[i];
                if (b == '\n') {
                    found = true;
                    break;
                }
                if (b < 0) {
                    ascii = false;
                }
                i++;
            }
            int n = i - start;
            if (len + n > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, len + n));
            }
            System.arraycopy(buf, start, line, len, n);
            len += n;
            pos = found ? i + 1 : i;
            if (found) {
                break;
            }
        }
        lineNumber++;
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        int off = 0;
        if (lineNumber == 1 && len >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
            off = 3;
        }
        if (ascii) {
            return new String(line, off, len - off, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(line, off, len - off));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new UserError(name + ":" + lineNumber + ": not valid UTF-8 (" + e.getMessage() + ")", e);
        }
    }

    private boolean fill() {
        try {
            int n = body.read(buf, 0, buf.length);
            if (n < 0) {
                eof = true;
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        } catch (IOException e) {
            throw new UserError(name + ":" + (lineNumber + 1) + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** 1-based number of the line last returned by {@link #next}. */
    public long lineNumber() {
        return lineNumber;
    }

    public String name() {
        return name;
    }

    /** sha256 of the bytes read; complete once the source was read to its end. */
    public String sha256() {
        return HexFormat.of().formatHex(digest.getMessageDigest().digest());
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
