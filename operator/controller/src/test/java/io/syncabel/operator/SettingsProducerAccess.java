package io.syncabel.operator;

import java.util.Map;
import java.util.Optional;

/** Parses pod defaults the way the operator does from its environment (for chart tests in other packages). */
public final class SettingsProducerAccess {
    private SettingsProducerAccess() {
    }

    public static PodDefaults podDefaults(Map<String, String> env) {
        return SettingsProducer.podDefaults(Optional.ofNullable(env.get("SYNCABEL_SCHEDULING_DEFAULT_QUEUE_NAME")),
                Optional.ofNullable(env.get("SYNCABEL_RUNTIME_GPU_IMAGE")),
                Optional.ofNullable(env.get("SYNCABEL_SCHEDULING_GPU_NODE_SELECTOR")),
                Optional.ofNullable(env.get("SYNCABEL_SCHEDULING_GPU_TOLERATIONS")));
    }
}
