package io.syncabel.runtime.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the jar's Implementation-Version (set by Maven), or "dev" when run from classes. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = SyncabelCli.class.getPackage().getImplementationVersion();
        return new String[] {"syncabel " + (version == null ? "dev" : version)};
    }
}
