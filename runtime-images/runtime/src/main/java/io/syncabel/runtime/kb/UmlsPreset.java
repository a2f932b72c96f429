package io.syncabel.runtime.kb;

import java.util.List;
import java.util.Set;

/** The original's dataset-specific concept filters (reference §1.3), as named presets. */
public enum UmlsPreset {
    /** MedMentions ST21pv: MRSTY rows whose tree number starts with one of 21 prefixes (subtypes included). */
    MEDMENTIONS_ST21PV,
    /** QUAERO: MRSTY rows whose SemGroups category is one of 10. */
    QUAERO;

    static final List<String> ST21PV_TREE_PREFIXES = List.of(
            "A1.1.4", "A1.1.2", "A1.2", "A2.1.4.1", "A1.4.2", "A2.2", "B2.3", "B2.2.1", "B1.3.1", "B1.3.2",
            "A1.3.1", "A2.1.5", "A2.6.1", "A2.7", "A2.9.1", "A2.9.2", "A1.4.1", "A1.4.3", "A2.4", "A2.3.1",
            "A1.1.3");
    static final Set<String> QUAERO_CATEGORIES = Set.of(
            "ANAT", "CHEM", "DEVI", "DISO", "GEOG", "LIVB", "OBJC", "PHEN", "PHYS", "PROC");

    /** Whether one MRSTY row (tree number, SemGroups category) passes the preset. */
    public boolean keeps(String treeNumber, String category) {
        return switch (this) {
            case MEDMENTIONS_ST21PV -> startsWithPrefix(treeNumber);
            case QUAERO -> QUAERO_CATEGORIES.contains(category);
        };
    }

    /** "A1.2" covers A1.2 and A1.2.x but not A1.20: a prefix must end at a dot or the end. */
    private static boolean startsWithPrefix(String tree) {
        for (String p : ST21PV_TREE_PREFIXES) {
            if (tree.startsWith(p) && (tree.length() == p.length() || tree.charAt(p.length()) == '.')) {
                return true;
            }
        }
        return false;
    }

    public static UmlsPreset parse(String value) {
        return switch (value) {
            case "medmentions-st21pv" -> MEDMENTIONS_ST21PV;
            case "quaero" -> QUAERO;
            default -> throw new IllegalArgumentException("unknown preset " + value);
        };
    }
}
