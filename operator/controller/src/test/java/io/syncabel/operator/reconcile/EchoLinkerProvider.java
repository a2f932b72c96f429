package io.syncabel.operator.reconcile;

import io.syncabel.runtime.link.Linker;
import io.syncabel.runtime.serve.LinkerLoader;
import io.syncabel.runtime.serve.SmokeQuery;
import java.util.List;

/**
 * A model for `syncabel serve --model echo:CODE` on the operator's test class path: every mention links to
 * CODE. It lets the fake kubelet's Deployment path run without a trained model.
 */
public final class EchoLinkerProvider implements LinkerLoader.Provider {
    static final String SCHEME = "echo:";

    @Override
    public boolean canOpen(String modelUri) {
        return modelUri.startsWith(SCHEME);
    }

    @Override
    public LinkerLoader loader() {
        return (uri, progress) -> {
            String code = uri.substring(SCHEME.length());
            Linker linker = new Linker() {
                @Override
                public List<Result> link(List<Query> queries, Options options) {
                    return queries.stream().map(q -> new Result(q, List.of(new Candidate(List.of(code), q.mention(), 1.0, 1)))).toList();
                }

                @Override
                public Info info() {
                    return new Info("echo", "1", "test");
                }
            };
            return new LinkerLoader.Loaded(linker, SmokeQuery.ofKbName("Breast Neoplasms", "DISO", code));
        };
    }
}
