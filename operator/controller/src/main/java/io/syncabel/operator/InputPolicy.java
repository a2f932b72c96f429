package io.syncabel.operator;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.syncabel.api.v1alpha1.common.Uris;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a resource may make a pod read, per install (chart values {@code inputs.allowedSchemes} and
 * {@code inputs.allowedSecrets}). Pods run with the store credentials and the cluster's network, so a
 * {@code file:} or {@code http:} input is read with the pod's rights, not the author's (a confused
 * deputy), and an {@code apiKeySecretRef} would hand any Secret of the namespace to an LLM endpoint the
 * author chose. A resource that asks for more gets Ready=False, reason NotAllowed, and no Job.
 *
 * @param allowedSchemes input URI schemes (lower case, without the colon); empty: any scheme
 * @param allowedSecrets Secret names an {@code apiKeySecretRef} may name, as globs ({@code *} matches any
 *                       run of characters); empty: any Secret
 */
public record InputPolicy(Set<String> allowedSchemes, List<String> allowedSecrets) {
    /** No restriction: the operator's default when no property is set (the embedded runner reads {@code file:}). */
    public static final InputPolicy ANY = new InputPolicy(Set.of(), List.of());
    private static final String API_PACKAGE = "io.syncabel.api.";

    public InputPolicy {
        allowedSchemes = Set.copyOf(allowedSchemes.stream().map(s -> s.strip().toLowerCase(Locale.ROOT))
                .map(s -> s.endsWith(":") ? s.substring(0, s.length() - 1) : s).filter(s -> !s.isEmpty()).toList());
        allowedSecrets = allowedSecrets.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** From the comma-separated properties; blank or absent means no restriction. */
    public static InputPolicy parse(Optional<String> schemes, Optional<String> secrets) {
        return new InputPolicy(Set.copyOf(split(schemes)), split(secrets));
    }

    private static List<String> split(Optional<String> value) {
        return value.filter(s -> !s.isBlank()).map(s -> List.of(s.split(","))).orElse(List.of());
    }

    /** Why the spec may not run on this install, or empty when it may. */
    public Optional<String> refusal(Object spec) {
        List<String> problems = new ArrayList<>();
        walk("spec", spec, problems);
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    public boolean allowsScheme(String uri) {
        return allowedSchemes.isEmpty() || allowedSchemes.contains(scheme(uri));
    }

    public boolean allowsSecret(String name) {
        return allowedSecrets.isEmpty() || (name != null && allowedSecrets.stream().anyMatch(glob -> glob(glob, name)));
    }

    static String scheme(String uri) {
        int colon = uri.indexOf(':');
        return colon < 0 ? "" : uri.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    private static boolean glob(String glob, String name) {
        return name.matches(java.util.Arrays.stream(glob.split("\\*", -1)).map(java.util.regex.Pattern::quote)
                .collect(java.util.stream.Collectors.joining(".*")));
    }

    /**
     * Every field the schema declares an input URI ({@code @Pattern(Uris.INPUT)}) and every Secret
     * reference, wherever it sits in the spec: a field added later is covered without touching this class.
     */
    private void walk(String path, Object value, List<String> problems) {
        if (value == null) {
            return;
        }
        if (value instanceof SecretKeySelector ref) {
            if (!allowsSecret(ref.getName())) {
                problems.add(path + ": Secret '" + ref.getName() + "' is not one this install lets resources name (allowed: "
                        + String.join(", ", allowedSecrets) + ")");
            }
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(path + "[" + i++ + "]", item, problems);
            }
            return;
        }
        if (!value.getClass().getName().startsWith(API_PACKAGE) || value instanceof Enum<?>) {
            return; // Kubernetes' own types (resources, affinity, tolerations) carry no inputs
        }
        for (Class<?> type = value.getClass(); type != null && type.getName().startsWith(API_PACKAGE); type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object fieldValue = read(field, value);
                Pattern pattern = field.getAnnotation(Pattern.class);
                if (pattern != null && pattern.value().equals(Uris.INPUT) && fieldValue instanceof String uri) {
                    if (!allowsScheme(uri)) {
                        problems.add(path + "." + field.getName() + ": scheme '" + scheme(uri) + ":' is not allowed on this install"
                                + " (allowed: " + String.join(", ", new TreeSet<>(allowedSchemes)) + ")");
                    }
                } else {
                    walk(path + "." + field.getName(), fieldValue, problems);
                }
            }
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + field + ": " + e.getMessage(), e);
        }
    }
}
