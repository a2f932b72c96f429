package io.syncabel.runtime.store;

import java.nio.file.Path;

/** URI helpers shared by the stores: file: and s3:// prefixes, joined with exactly one '/'. */
public final class StoreUris {
    private StoreUris() {
    }

    public static boolean isS3(String uri) {
        return uri.startsWith("s3://");
    }

    public static boolean isFile(String uri) {
        return uri.startsWith("file:");
    }

    /** file:/abs, file:///abs and file:relative (relative to the working directory) to a path. */
    public static Path toPath(String uri) {
        if (!isFile(uri)) {
            throw new StoreException(uri + ": not a file: URI");
        }
        String path = uri.substring("file:".length());
        if (path.startsWith("//")) {
            path = path.substring(2);
        }
        return Path.of(path);
    }

    public static String join(String prefix, String name) {
        return prefix.endsWith("/") ? prefix + name : prefix + "/" + name;
    }

    /**
     * The prefix beside {@code prefix} named by a suffix: {@code s3://b/run/model/} + ".dense" ->
     * {@code s3://b/run/model.dense/} (what belongs to an artifact but is published apart from it).
     */
    public static String sibling(String prefix, String suffix) {
        String bare = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return bare + suffix + "/";
    }

    static void checkRelativeName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.equals(Manifest.FILE_NAME)) {
            throw new StoreException("invalid artifact file name '" + name + "'");
        }
    }
}
