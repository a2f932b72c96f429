package io.syncabel.api.v1alpha1.common;

/** URI patterns shared by the schema annotations, so every field accepts the same schemes. */
public final class Uris {
    /** An input location: S3 object or prefix, HTTP(S) download, or a local file/folder. */
    public static final String INPUT = "^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?|https?://.+|file:.+)$";
    /** An HTTP(S) endpoint (LLM servers, judges). */
    public static final String HTTP = "^https?://.+$";

    private Uris() {
    }
}
