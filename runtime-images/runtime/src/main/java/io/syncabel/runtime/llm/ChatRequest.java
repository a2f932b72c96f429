package io.syncabel.runtime.llm;

import java.util.List;

/**
 * The messages of one chat completion.
 *
 * @param jsonObject ask for response_format {"type":"json_object"} (answers are still validated: not every
 *                   server honours it)
 */
public record ChatRequest(List<Message> messages, boolean jsonObject) {

    public record Message(String role, String content) {
    }

    public ChatRequest {
        messages = List.copyOf(messages);
    }

    public static ChatRequest of(String system, String user, boolean jsonObject) {
        return new ChatRequest(List.of(new Message("system", system), new Message("user", user)), jsonObject);
    }
}
