package io.syncabel.runtime.cli;

import java.util.Map;
import java.util.function.Function;

/**
 * The environment a command reads the pod contract from (docs/architecture.md): the process environment in a
 * pod or a shell, a plain map when stages run in-process ({@code syncabel run -f}, the operator's fake kubelet,
 * tests). Commands that read it take it in their constructor; {@link SyncabelCli#commandLine(Env)} passes it.
 */
public record Env(Map<String, String> vars) implements Function<String, String> {

    public Env {
        vars = Map.copyOf(vars);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public static Env of(Map<String, String> vars) {
        return new Env(vars);
    }

    /** The variable's value, or null when unset. */
    public String get(String name) {
        return vars.get(name);
    }

    @Override
    public String apply(String name) {
        return get(name);
    }
}
