package io.syncabel.runtime.cli;

import io.syncabel.runtime.text.UserError;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.KnowledgeBaseSpec;
import io.syncabel.runtime.kb.KbBuild;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.NameCleaner;
import io.syncabel.runtime.kb.UmlsPreset;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.StoreUris;
import io.syncabel.runtime.store.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `syncabel kb ...`: knowledge-base stages. */
@Command(name = "kb", description = "Knowledge bases: build one from terminology files.",
        subcommands = {KbCommand.Build.class})
final class KbCommand {

    /**
     * `syncabel kb build`: from a KnowledgeBase manifest (-f), from the pod contract (SYNCABEL_RESOURCE and
     * SYNCABEL_OUTPUT_URI), or from plain flags; flags given beside a manifest override it.
     */
    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Read terminology files, clean names, resolve ambiguity and write a knowledge-base artifact.")
    static final class Build implements Callable<Integer> {
        /** The pod contract's environment (SYNCABEL_RESOURCE, SYNCABEL_OUTPUT_URI, the store's settings). */
        private final Env env;

        Build() {
            this(Env.system());
        }

        Build(Env env) {
            this.env = env;
        }

        @Spec
        CommandSpec spec;

        @Option(names = {"-f", "--filename"}, paramLabel = "KB.YAML",
                description = "A KnowledgeBase manifest; relative file: URIs resolve against its folder.")
        Path manifest;

        @Option(names = "--format", paramLabel = "FORMAT", description = "dnorm, ctd, tsv, obo or umls-rrf (with --source).")
        String format;

        @Option(names = "--source", paramLabel = "FILE|URI",
                description = "Terminology file (a folder for umls-rrf); a path or a file:/s3:// URI.")
        String source;

        @Option(names = "--out", paramLabel = "URI", description = "Output prefix (file: or s3://); default SYNCABEL_OUTPUT_URI.")
        String out;

        @Option(names = "--semantic-groups", paramLabel = "FILE|URI", description = "SemGroups file (umls-rrf).")
        String semanticGroupsUri;

        @Option(names = "--default-group", paramLabel = "GROUP", description = "Group of concepts without one (default DISO).")
        String defaultGroup;

        @Option(names = "--language", split = ",", paramLabel = "LANG", description = "Languages to keep (en, ENG...).")
        List<String> languages;

        @Option(names = "--sab", split = ",", paramLabel = "SAB", description = "UMLS source vocabularies to keep.")
        List<String> sabs;

        @Option(names = "--group", split = ",", paramLabel = "GROUP", description = "Semantic groups to keep (DISO or Disorders).")
        List<String> groups;

        @Option(names = "--type", split = ",", paramLabel = "TUI", description = "Semantic types to keep (T047...).")
        List<String> types;

        @Option(names = "--preset", paramLabel = "PRESET", description = "medmentions-st21pv or quaero (umls-rrf).")
        String preset;

        @Option(names = "--lenient", description = "Skip malformed lines (counted, first ones listed in the manifest).")
        boolean lenient;

        @Override
        public Integer call() throws IOException {
            PrintWriter log = spec.commandLine().getErr();
            KnowledgeBaseSpec kb = null;
            Path base = Path.of("").toAbsolutePath();
            if (manifest != null) {
                kb = readManifest(manifest);
                base = manifest.toAbsolutePath().getParent();
            } else if (source == null && env.apply("SYNCABEL_RESOURCE") != null) {
                kb = parse(env.apply("SYNCABEL_RESOURCE"), "SYNCABEL_RESOURCE");
            }
            String outUri = out != null ? toUri(out, Path.of("").toAbsolutePath()) : env.apply("SYNCABEL_OUTPUT_URI");
            if (outUri == null) {
                throw new UserError("no output: give --out URI (or set SYNCABEL_OUTPUT_URI)");
            }
            if (!outUri.endsWith("/")) {
                outUri = outUri + "/";
            }
            List<KbBuild.Source> sources = new java.util.ArrayList<>();
            Map<String, Object> metadata = new LinkedHashMap<>();
            KbOptions options = KbOptions.defaults();
            if (kb != null) {
                options = options(kb, base);
                if (kb.getSources() == null || kb.getSources().isEmpty()) {
                    throw new UserError("field spec.sources: at least one source is required");
                }
                for (int i = 0; i < kb.getSources().size(); i++) {
                    KnowledgeBaseSpec.Source s = kb.getSources().get(i);
                    if (s.getUri() == null || s.getFormat() == null) {
                        throw new UserError("field spec.sources[" + i + "]: uri and format are required");
                    }
                    String uri = toUri(s.getUri(), base);
                    sources.add(new KbBuild.Source(uri, formatName(s.getFormat()),
                            s.getName() != null ? s.getName() : fileName(uri)));
                }
                if (kb.getMetadata() != null) {
                    putIfSet(metadata, "name", kb.getMetadata().getName());
                    putIfSet(metadata, "version", kb.getMetadata().getVersion());
                    putIfSet(metadata, "licence", kb.getMetadata().getLicence());
                    putIfSet(metadata, "citation", kb.getMetadata().getCitation());
                }
            }
            if (source != null) {
                if (format == null) {
                    throw new UserError("--source needs --format (dnorm, ctd, tsv, obo or umls-rrf)");
                }
                String uri = toUri(source, Path.of("").toAbsolutePath());
                sources = List.of(new KbBuild.Source(uri, format, fileName(uri)));
            } else if (kb == null) {
                throw new UserError("nothing to build: give -f kb.yaml, or --format and --source, "
                        + "or run in a pod with SYNCABEL_RESOURCE set");
            }
            options = overrides(options);
            Map<String, ArtifactStore> stores = new HashMap<>();
            try {
                ArtifactStore outStore = store(stores, outUri);
                checkOutput(outStore, outUri);
                Map<String, Object> summary = new KbBuild(outStore, uri -> store(stores, uri), log)
                        .run(sources, options, metadata, outUri);
                Summary.emit(spec.commandLine().getOut(), summary, env);
            } finally {
                for (ArtifactStore s : stores.values()) {
                    s.close();
                }
            }
            return 0;
        }

        /**
         * Refuses, before reading anything, an output that cannot become an artifact: a prefix already published
         * (artifacts are immutable) or, in a folder store, a path beneath a regular file or a read-only folder.
         */
        static void checkOutput(ArtifactStore store, String outUri) throws IOException {
            if (StoreUris.isFile(outUri)) {
                Path dir = StoreUris.toPath(outUri).toAbsolutePath();
                Path existing = dir;
                while (existing != null && !Files.exists(existing)) {
                    existing = existing.getParent();
                }
                if (existing != null && !Files.isDirectory(existing)) {
                    throw new UserError(outUri + ": cannot write there: " + existing + " is a file, not a folder; "
                            + "give --out a folder path");
                }
                if (existing != null && !Files.isWritable(existing)) {
                    throw new UserError(outUri + ": cannot write there: " + existing + " is not writable");
                }
                if (existing != null) {
                    // permission bits do not tell root about read-only mounts (/proc, /sys, a read-only volume): try
                    try {
                        Files.delete(Files.createTempDirectory(existing, ".syncabel-write-probe"));
                    } catch (IOException e) {
                        throw new UserError(outUri + ": cannot write there: " + existing + " refuses new folders ("
                                + e.getClass().getSimpleName() + (e.getMessage() == null || e.getMessage().equals(existing.toString())
                                        ? "" : ": " + e.getMessage().replace(existing + ": ", "")) + ")", e);
                    }
                }
            }
            String prefix = outUri.endsWith("/") ? outUri : outUri + "/";
            if (store.manifest(prefix).isPresent()) {
                throw new UserError(outUri + ": already published, and artifacts are immutable; give --out another "
                        + "prefix (e.g. a new version folder), or remove this one first with "
                        + "`syncabel store delete --prefix " + outUri + " --force`");
            }
        }

        private ArtifactStore store(Map<String, ArtifactStore> stores, String uri) {
            String scheme = StoreUris.isS3(uri) ? "s3" : "file";
            return stores.computeIfAbsent(scheme, k -> Stores.forUri(uri, env.vars()));
        }

        private KbOptions overrides(KbOptions o) {
            return new KbOptions(
                    defaultGroup != null ? defaultGroup : o.defaultGroup(),
                    languages != null ? Set.copyOf(languages) : o.languages(),
                    sabs != null ? Set.copyOf(sabs) : o.sourceVocabularies(),
                    preset != null ? parsePreset(preset) : o.preset(),
                    groups != null ? Set.copyOf(groups) : o.semanticGroups(),
                    types != null ? Set.copyOf(types) : o.semanticTypes(),
                    semanticGroupsUri != null ? toUri(semanticGroupsUri, Path.of("").toAbsolutePath())
                            : o.semanticGroupsUri(),
                    o.stripNos(), o.normalizeWhitespace(), o.maxNameLength(), lenient || o.lenient());
        }

        private static UmlsPreset parsePreset(String value) {
            try {
                return UmlsPreset.parse(value);
            } catch (IllegalArgumentException e) {
                throw new UserError("--preset " + value + ": expected medmentions-st21pv or quaero");
            }
        }

        static KbOptions options(KnowledgeBaseSpec kb, Path base) {
            KnowledgeBaseSpec.NameCleaning c = kb.getCleaning();
            return new KbOptions(
                    kb.getDefaultGroup() != null ? kb.getDefaultGroup() : KbOptions.DEFAULT_GROUP,
                    set(kb.getLanguages()),
                    set(kb.getSourceVocabularies()),
                    kb.getPreset() == null ? null : switch (kb.getPreset()) {
                        case MEDMENTIONS_ST21PV -> UmlsPreset.MEDMENTIONS_ST21PV;
                        case QUAERO -> UmlsPreset.QUAERO;
                    },
                    set(kb.getSemanticGroups()),
                    set(kb.getSemanticTypes()),
                    kb.getSemanticGroupsUri() == null ? null : toUri(kb.getSemanticGroupsUri(), base),
                    c == null || c.getStripNos() == null || c.getStripNos(),
                    c == null || c.getNormalizeWhitespace() == null || c.getNormalizeWhitespace(),
                    c == null || c.getMaxNameLength() == null ? NameCleaner.DEFAULT_MAX_LENGTH : c.getMaxNameLength(),
                    Boolean.TRUE.equals(kb.getLenient()));
        }

        private static Set<String> set(List<String> l) {
            return l == null ? Set.of() : new LinkedHashSet<>(l);
        }

        private static void putIfSet(Map<String, Object> m, String k, String v) {
            if (v != null) {
                m.put(k, v);
            }
        }

        static String formatName(KnowledgeBaseSpec.Format f) {
            return switch (f) {
                case UMLS_RRF -> "umls-rrf";
                case TSV -> "tsv";
                case DNORM -> "dnorm";
                case CTD -> "ctd";
                case OBO -> "obo";
            };
        }

        /** A path or URI to a URI; relative paths and relative file: URIs resolve against base. */
        static String toUri(String value, Path base) {
            if (StoreUris.isS3(value)) {
                return value;
            }
            String path = StoreUris.isFile(value) ? StoreUris.toPath(value).toString() : value;
            Path p = Path.of(path);
            String resolved = (p.isAbsolute() ? p : base.resolve(p)).normalize().toString();
            return "file:" + resolved + (value.endsWith("/") ? "/" : "");
        }

        private static String fileName(String uri) {
            String u = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
            return u.substring(u.lastIndexOf('/') + 1);
        }

        private static KnowledgeBaseSpec readManifest(Path file) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new UserError(file + ": cannot read: " + e.getMessage(), e);
            }
            return parse(text, file.toString());
        }

        private static KnowledgeBaseSpec parse(String text, String where) {
            Object parsed;
            try {
                parsed = Serialization.unmarshal(text);
            } catch (RuntimeException e) {
                throw new UserError(where + ": not a valid manifest: " + e.getMessage(), e);
            }
            if (!(parsed instanceof KnowledgeBase kb)) {
                throw new UserError(where + ": expected a syncabel.io/v1alpha1 KnowledgeBase");
            }
            if (kb.getSpec() == null) {
                throw new UserError(where + ": field spec: required");
            }
            return kb.getSpec();
        }
    }
}
