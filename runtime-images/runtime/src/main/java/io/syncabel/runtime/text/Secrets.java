package io.syncabel.runtime.text;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes credentials from text about to be shown or stored (an error that quotes an HTTP answer, which may
 * echo the request's Authorization header; a log line): the secrets the caller knows, and anything shaped like
 * one (Authorization values, Bearer/Basic tokens, api_key/token/secret/password fields, {@code sk-} keys).
 */
public final class Secrets {
    public static final String MASK = "[REDACTED]";

    private record Rule(Pattern pattern, String replacement) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile("(?i)(\"?\\bauthorization\"?\\s*[:=]\\s*\"?)(?:(?:bearer|basic|token)\\s+)?[^\\s\",}]+"),
                    "$1" + MASK),
            new Rule(Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{6,}"), "$1 " + MASK),
            new Rule(Pattern.compile("(?i)(\"?\\b(?:x-)?(?:api[_-]?key|access[_-]?token|client[_-]?secret|secret|password)"
                    + "\"?\\s*[:=]\\s*\"?)[^\\s\",}&]+"), "$1" + MASK),
            new Rule(Pattern.compile("\\bsk-[A-Za-z0-9_-]{8,}"), MASK));

    private Secrets() {
    }

    /** The text with each known secret (4 characters or more) and anything shaped like a credential masked. */
    public static String redact(String text, String... known) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : known) {
            if (secret != null && secret.strip().length() >= 4) {
                out = out.replace(secret.strip(), MASK);
            }
        }
        for (Rule r : RULES) {
            out = r.pattern().matcher(out).replaceAll(r.replacement());
        }
        return out;
    }
}
