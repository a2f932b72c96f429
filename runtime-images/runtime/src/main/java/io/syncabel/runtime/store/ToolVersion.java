package io.syncabel.runtime.store;

/** The runtime version recorded in every manifest. */
final class ToolVersion {
    private ToolVersion() {
    }

    static String get() {
        String version = ToolVersion.class.getPackage().getImplementationVersion();
        return "syncabel-runtime " + (version == null ? "dev" : version);
    }
}
