package io.syncabel.runtime.llm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a client spent: HTTP requests sent (retries included), those that failed, and tokens as the server
 * reported them (answers that failed validation still cost tokens and are counted).
 */
public record Usage(long requests, long failedRequests, long promptTokens, long completionTokens) {

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("requests", requests);
        m.put("failedRequests", failedRequests);
        m.put("promptTokens", promptTokens);
        m.put("completionTokens", completionTokens);
        m.put("totalTokens", totalTokens());
        return m;
    }
}
