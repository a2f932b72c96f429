package io.syncabel.runtime.cli;

import io.syncabel.runtime.text.UserError;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.syncabel.api.v1alpha1.Kinds;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.StoreUris;
import io.syncabel.runtime.store.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `syncabel store ...`: the artifact store itself. */
@Command(name = "store", description = "The artifact store: delete what a resource wrote.",
        subcommands = {StoreCommand.Delete.class})
final class StoreCommand {

    /** Folder names of the five kinds in the store layout {@code <root>/<namespace>/<plural>/<name>/<run>/}. */
    static final Set<String> PLURALS = Kinds.ALL.stream().map(HasMetadata::getPlural).collect(Collectors.toUnmodifiableSet());

    /**
     * `syncabel store delete --prefix URI`: what the operator's cleanup Job runs for {@code artifactPolicy: Delete}
     * (docs/operator.md). Only a resource's folder or one of its runs is accepted, so a wrong prefix cannot empty
     * a bucket; {@code --force} lifts the shape check for ad-hoc use, never the bucket-root check.
     */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete everything under a prefix of the store (a resource's folder <root>/<namespace>/<kind>/<name>/ "
                    + "or one run under it), printing each deleted object.")
    static final class Delete implements Callable<Integer> {
        private final Env env;

        Delete() {
            this(Env.system());
        }

        Delete(Env env) {
            this.env = env;
        }

        @Spec
        CommandSpec spec;

        @Option(names = "--prefix", required = true, paramLabel = "URI",
                description = "s3://bucket/.../<namespace>/<kind>/<name>/[<run>/] or file:/.../<namespace>/<kind>/<name>/[<run>/]")
        String prefix;

        @Option(names = "--force", description = "Accept a prefix outside the <namespace>/<kind>/<name>/ layout "
                + "(never a bucket or filesystem root).")
        boolean force;

        @Option(names = "--dry-run", description = "Only list what would be deleted.")
        boolean dryRun;

        @Override
        public Integer call() throws IOException {
            String uri = checked(prefix, force);
            PrintWriter out = spec.commandLine().getOut();
            List<String> objects;
            try (ArtifactStore store = Stores.forUri(uri, env.vars())) {
                objects = store.list(uri);
                for (String object : objects) {
                    out.println((dryRun ? "would delete " : "deleted ") + object);
                }
                if (!dryRun) {
                    store.delete(uri);
                }
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("prefix", uri);
            summary.put(dryRun ? "wouldDelete" : "deleted", objects.size());
            Summary.emit(out, summary, env);
            return 0;
        }

        /**
         * The prefix as a folder URI (ending in '/'), if it is a resource's folder or a run under it:
         * a path segment naming one of the five kinds, then at least the resource's name. Empty prefixes,
         * bucket roots and the filesystem root are refused even with force.
         */
        static String checked(String value, boolean force) {
            if (value == null || value.isBlank()) {
                throw new UserError("--prefix: empty; give the resource's folder, e.g. s3://syncabel/<namespace>/<kind>/<name>/");
            }
            String uri = value.strip();
            if (!StoreUris.isS3(uri) && !StoreUris.isFile(uri)) {
                throw new UserError("--prefix " + uri + ": expected an s3:// or file: URI");
            }
            uri = uri.endsWith("/") ? uri : uri + "/";
            List<String> segments = segments(uri);
            if (segments.isEmpty()) {
                throw new UserError("--prefix " + uri + ": refusing to delete a whole "
                        + (StoreUris.isS3(uri) ? "bucket" : "filesystem") + "; give the resource's folder <root>/<namespace>/<kind>/<name>/");
            }
            if (segments.stream().anyMatch(s -> s.equals("..") || s.equals("."))) {
                throw new UserError("--prefix " + uri + ": '.' and '..' are not allowed");
            }
            if (!force && !resourceShaped(segments)) {
                throw new UserError("--prefix " + uri + ": not a resource's folder: expected <root>/<namespace>/<kind>/<name>/"
                        + " (or a run under it) with <kind> one of " + PLURALS.stream().sorted().toList()
                        + "; --force deletes any other prefix");
            }
            return uri;
        }

        /** Path segments after the bucket (s3) or from the filesystem root (file:). */
        static List<String> segments(String uri) {
            String path;
            if (StoreUris.isS3(uri)) {
                String rest = uri.substring("s3://".length());
                int slash = rest.indexOf('/');
                if (slash <= 0) {
                    return List.of();
                }
                path = rest.substring(slash + 1);
            } else {
                path = StoreUris.toPath(uri).toAbsolutePath().normalize().toString();
            }
            return new ArrayList<>(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
        }

        /** ... / namespace / plural / name [/ run]: a kind's folder with a namespace before it and a name after it. */
        static boolean resourceShaped(List<String> segments) {
            int n = segments.size();
            for (int i = 1; i < n - 1; i++) {
                if (PLURALS.contains(segments.get(i)) && n - 1 - i <= 2) {
                    return true;
                }
            }
            return false;
        }
    }
}
