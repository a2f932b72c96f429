package io.syncabel.api.v1alpha1.common;

/**
 * Upper bounds of spec strings and lists (maxLength / maxItems in the CRDs): the API server's CEL cost
 * estimator needs them, and they keep one object from growing without limit. Generous on purpose:
 * they bound, they do not shape (docs/resources.md lists each field's bound).
 */
public final class Bounds {
    /** A URI: S3 keys are at most 1024 bytes, so this leaves room for bucket, scheme and host. */
    public static final int URI = 2048;
    /** A Kubernetes object name (DNS subdomain). */
    public static final int NAME = 253;
    /** A short label or code: a language, a semantic group or type, a vocabulary, a source's label. */
    public static final int CODE = 64;
    /** A line of free text: a model name, a licence, a version. */
    public static final int TEXT = 256;
    /** A citation or other longer free text. */
    public static final int LONG_TEXT = 1024;
    /** Lists of inputs (sources, corpora, referenced resources). */
    public static final int INPUTS = 64;
    /** Lists of codes (languages, groups, types, vocabularies: UMLS has about 130 types and 200 vocabularies). */
    public static final int CODES = 512;
    /** Entries of a small map or list of settings (node selector, tolerations, k values). */
    public static final int SETTINGS = 32;

    private Bounds() {
    }
}
