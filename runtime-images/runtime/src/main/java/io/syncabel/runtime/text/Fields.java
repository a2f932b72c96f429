package io.syncabel.runtime.text;

import java.util.ArrayList;
import java.util.List;

/** Splitting on one character without regex (String.split compiles and allocates per call on hot paths). */
public final class Fields {
    private Fields() {
    }

    /** All fields, empty ones kept (a trailing separator yields a trailing empty field, as RRF lines have). */
    public static List<String> split(String line, char sep) {
        List<String> out = new ArrayList<>(16);
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == sep) {
                out.add(line.substring(start, i));
                start = i + 1;
            }
        }
        out.add(line.substring(start));
        return out;
    }

    /** Fields into a reusable array; returns how many were found (at most out.length, the last holds no rest). */
    public static int split(String line, char sep, String[] out) {
        int n = 0;
        int start = 0;
        for (int i = 0; i < line.length() && n < out.length; i++) {
            if (line.charAt(i) == sep) {
                out[n++] = line.substring(start, i);
                start = i + 1;
            }
        }
        if (n < out.length) {
            out[n++] = line.substring(start);
        }
        return n;
    }

    /**
     * Positions of up to {@code ends.length} fields without allocating: field i spans
     * [i == 0 ? 0 : ends[i - 1] + 1, ends[i]). Returns how many fields were found.
     */
    public static int ends(String line, char sep, int[] ends) {
        int n = 0;
        int len = line.length();
        for (int i = 0; i < len && n < ends.length; i++) {
            if (line.charAt(i) == sep) {
                ends[n++] = i;
            }
        }
        if (n < ends.length) {
            ends[n++] = len;
        }
        return n;
    }

    /** Field i of a line whose separator positions {@link #ends} filled. */
    public static String field(String line, int[] ends, int i) {
        return line.substring(i == 0 ? 0 : ends[i - 1] + 1, ends[i]);
    }

    /** Whether field i equals s, without allocating. */
    public static boolean fieldEquals(String line, int[] ends, int i, String s) {
        int start = i == 0 ? 0 : ends[i - 1] + 1;
        return ends[i] - start == s.length() && line.startsWith(s, start);
    }
}
