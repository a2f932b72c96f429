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
}
