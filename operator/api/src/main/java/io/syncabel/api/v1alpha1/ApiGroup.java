package io.syncabel.api.v1alpha1;

/** The API group and the printer-column paths shared by all five kinds. */
public final class ApiGroup {
    public static final String GROUP = "syncabel.io";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    /** `kubectl get syncabel` lists every resource of the pipeline. */
    public static final String CATEGORY = "syncabel";

    static final String READY_STATUS = ".status.conditions[?(@.type==\"Ready\")].status";
    static final String READY_REASON = ".status.conditions[?(@.type==\"Ready\")].reason";
    static final String READY_MESSAGE = ".status.conditions[?(@.type==\"Ready\")].message";

    private ApiGroup() {
    }
}
