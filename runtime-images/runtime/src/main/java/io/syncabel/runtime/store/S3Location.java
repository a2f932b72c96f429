package io.syncabel.runtime.store;

/** An s3://bucket/key URI split into its parts. */
record S3Location(String bucket, String key) {

    static S3Location parse(String uri) {
        if (!StoreUris.isS3(uri)) {
            throw new StoreException(uri + ": not an s3:// URI");
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new StoreException(uri + ": no bucket (expected s3://bucket/key)");
        }
        return new S3Location(bucket, key);
    }

    /**
     * The URI as an artifact prefix: the key ends in '/', so kb/1 never matches kb/10, and it is not the bucket
     * root, so a delete can never empty a whole bucket.
     */
    static S3Location prefix(String uri) {
        S3Location location = parse(uri);
        if (location.key.isEmpty() || location.key.equals("/")) {
            throw new StoreException(uri + ": an artifact prefix needs a path inside the bucket, e.g. s3://"
                    + location.bucket + "/<namespace>/<kind>/<name>/<generation>/");
        }
        return location.key.endsWith("/") ? location : new S3Location(location.bucket, location.key + "/");
    }

    S3Location child(String name) {
        return new S3Location(bucket, key + name);
    }

    String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
