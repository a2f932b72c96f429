package io.syncabel.runtime.link;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One {@link NameTrie} per semantic group over the tokenised {@code " is <name>"} sequences, as the
 * original's {@code candidate_trie.pkl}, and the verb tokens that enter them. Saved as one file: a
 * small header, then each group's trie blob on an 8-byte boundary, so {@link #map} views them in place.
 */
public final class GroupTries {

    /** The verb of the prompt {@code "[mention] is <name>"}. */
    public static final String VERB = "is";

    private static final byte[] MAGIC = "SCGROUP1".getBytes(StandardCharsets.US_ASCII);

    /** A KB name to index: its group, its text, and the id its trie payload reports. */
    public record Name(String group, String text, int id) {
    }

    private final int[] verbTokens;
    private final Map<String, NameTrie> byGroup;

    private GroupTries(int[] verbTokens, Map<String, NameTrie> byGroup) {
        this.verbTokens = verbTokens;
        this.byGroup = byGroup;
    }

    /**
     * Tokenises every name as {@code " is " + name} (the encoder must add no special token) and builds
     * the group tries. Every sequence must start with the tokens of {@code " is"}: a tokenizer that
     * merged the verb with the name's first characters would make the forced prefix and the trie disagree.
     */
    public static GroupTries build(Collection<Name> names, Function<String, int[]> encoder, int endToken) {
        int[] verb = encoder.apply(" " + VERB);
        Map<String, NameTrie.Builder> builders = new TreeMap<>();
        for (Name n : names) {
            int[] seq = encoder.apply(" " + VERB + " " + n.text());
            if (seq.length < verb.length || !Arrays.equals(seq, 0, verb.length, verb, 0, verb.length)) {
                throw new IllegalArgumentException("\" " + VERB + " " + n.text() + "\" does not start with the verb's tokens");
            }
            builders.computeIfAbsent(n.group(), g -> NameTrie.builder(endToken)).add(seq, n.id());
        }
        Map<String, NameTrie> tries = new LinkedHashMap<>();
        builders.forEach((group, b) -> tries.put(group, b.build()));
        return new GroupTries(verb, tries);
    }

    public int[] verbTokens() {
        return verbTokens.clone();
    }

    public Map<String, NameTrie> byGroup() {
        return byGroup;
    }

    /** The constraint for a group's names, or null when the group has no trie. */
    public Constraint constraint(String group) {
        NameTrie trie = byGroup.get(group);
        return trie == null ? null : Constraint.after(trie, verbTokens);
    }

    public void write(Path file) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw))) {
            out.write(MAGIC);
            out.writeInt(verbTokens.length);
            for (int t : verbTokens) {
                out.writeInt(t);
            }
            out.writeInt(byGroup.size());
            for (Map.Entry<String, NameTrie> e : byGroup.entrySet()) {
                byte[] utf = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeShort(utf.length);
                out.write(utf);
                out.writeInt(e.getValue().sizeInBytes());
            }
            for (NameTrie trie : byGroup.values()) {
                while (out.size() % 8 != 0) {
                    out.writeByte(0);
                }
                trie.write(out);
            }
        }
    }

    /** Maps a file written by {@link #write}; the tries view the mapping, nothing is copied. */
    public static GroupTries map(Path file) throws IOException {
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        b.order(ByteOrder.BIG_ENDIAN); // the header is DataOutputStream's; the blobs carry their own order
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(file + ": not a group trie file");
        }
        int[] verb = new int[b.getInt()];
        for (int i = 0; i < verb.length; i++) {
            verb[i] = b.getInt();
        }
        int groups = b.getInt();
        String[] names = new String[groups];
        int[] sizes = new int[groups];
        for (int g = 0; g < groups; g++) {
            byte[] utf = new byte[b.getShort() & 0xFFFF];
            b.get(utf);
            names[g] = new String(utf, StandardCharsets.UTF_8);
            sizes[g] = b.getInt();
        }
        Map<String, NameTrie> tries = new LinkedHashMap<>();
        int pos = b.position();
        for (int g = 0; g < groups; g++) {
            pos = (pos + 7) & ~7;
            tries.put(names[g], NameTrie.wrap(b.slice(pos, sizes[g])));
            pos += sizes[g];
        }
        return new GroupTries(verb, tries);
    }
}
