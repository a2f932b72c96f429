package io.syncabel.operator.children;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic child names: the same resource, generation and inputs always give the same name. */
public final class Names {
    /** Job names become pod label values, which Kubernetes limits to 63 characters. */
    static final int MAX = 63;

    private Names() {
    }

    /** {@code <name>-<suffix>}, shortened with a hash of the full name when it would be too long. */
    public static String child(String name, String suffix) {
        String full = name + "-" + suffix;
        if (full.length() <= MAX) {
            return full;
        }
        String hash = sha256Hex(full).substring(0, 8);
        int keep = MAX - suffix.length() - hash.length() - 2;
        String head = name.substring(0, keep).replaceAll("-+$", "");
        return head + "-" + hash + "-" + suffix;
    }

    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
