package io.syncabel.runtime.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.text.UserError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSourceTest {

    static List<String> lines(LineSource s) {
        List<String> out = new ArrayList<>();
        for (String l = s.next(); l != null; l = s.next()) {
            out.add(l);
        }
        return out;
    }

    @Test
    void gzipIsReadTransparentlyAndHashedAsStored() throws IOException {
        var plain = TestData.resource("kb/ctd-diseases.tsv");
        var gz = TestData.resource("kb/ctd-diseases.tsv.gz");
        try (LineSource a = new LineSource("a", Files.newInputStream(plain));
                LineSource b = new LineSource("b", Files.newInputStream(gz))) {
            assertThat(lines(b)).isEqualTo(lines(a)).hasSize(7);
            assertThat(a.sha256()).isNotEqualTo(b.sha256()); // the digest is of the bytes as stored
        }
    }

    @Test
    void invalidUtf8NamesFileAndLine() {
        byte[] bytes = "ok\nalso ok\nbad \u00e9 here\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        try (LineSource s = new LineSource("terms.txt", new ByteArrayInputStream(bytes))) {
            assertThatThrownBy(() -> lines(s)).isInstanceOf(UserError.class)
                    .hasMessageStartingWith("terms.txt:3: not valid UTF-8");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void byteOrderMarkIsDropped() throws IOException {
        byte[] bytes = "\uFEFFcode\tname\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (LineSource s = new LineSource("x", new ByteArrayInputStream(bytes))) {
            assertThat(lines(s)).containsExactly("code\tname");
        }
    }
}
