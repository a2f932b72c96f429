package io.syncabel.runtime.store;

/** A store failure a person can act on: a missing artifact, a checksum mismatch, a refused request. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
