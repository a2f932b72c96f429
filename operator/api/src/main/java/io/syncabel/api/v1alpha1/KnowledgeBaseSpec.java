package io.syncabel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.syncabel.api.v1alpha1.common.Bounds;
import io.syncabel.api.v1alpha1.common.JobStageSpec;
import io.syncabel.api.v1alpha1.common.Uris;
import java.util.List;
import lombok.Data;
import lombok.EqualsAndHashCode;
import lombok.NoArgsConstructor;

@Data
@EqualsAndHashCode(callSuper = true)
@NoArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KnowledgeBaseSpec extends JobStageSpec {
    @Required
    @Size(min = 1, max = Bounds.INPUTS)
    @JsonPropertyDescription("Terminology files to ingest; concepts of several sources are merged by code.")
    private List<Source> sources;

    @Pattern(Uris.INPUT)
    @JsonPropertyDescription("SemGroups file (CAT|Group|TUI|Type) mapping UMLS semantic types to groups; required for umls-rrf.")
    @Size(max = Bounds.URI)
    private String semanticGroupsUri;

    @JsonPropertyDescription("Languages to keep (UMLS LAT codes such as ENG, FRE, SPA; or ISO codes for OBO/TSV). Default: all.")
    @Size(max = Bounds.CODES)
    private List<@Size(max = Bounds.CODE) String> languages;

    @JsonPropertyDescription("UMLS source vocabularies (SAB) to keep, e.g. MSH, SNOMEDCT_US. Default: all.")
    @Size(max = Bounds.CODES)
    private List<@Size(max = Bounds.CODE) String> sourceVocabularies;

    @JsonPropertyDescription("Named semantic-type selection: medmentions-st21pv (21 types) or quaero (10 groups).")
    private Preset preset;

    @JsonPropertyDescription("Semantic groups to keep (e.g. DISO, CHEM). Default: all.")
    @Size(max = Bounds.CODES)
    private List<@Size(max = Bounds.CODE) String> semanticGroups;

    @JsonPropertyDescription("Semantic types (TUIs) to keep, e.g. T047. Default: all.")
    @Size(max = Bounds.CODES)
    private List<@Size(max = Bounds.CODE) String> semanticTypes;

    @JsonPropertyDescription("Group given to concepts whose source has none (DNorm/CTD vocabularies, untyped TSV rows). Default DISO.")
    @Size(max = Bounds.CODE)
    private String defaultGroup;

    @JsonPropertyDescription("Name cleaning applied before names enter the dictionary and the trie.")
    private NameCleaning cleaning;

    @JsonPropertyDescription("Skip malformed lines (counted and sampled in the manifest) instead of failing.")
    private Boolean lenient;

    @JsonPropertyDescription("Licence and version metadata copied into the artifact manifest and status.")
    private Metadata metadata;

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Source {
        @Required
        @Pattern(Uris.INPUT)
        @JsonPropertyDescription("File (or folder, for umls-rrf: MRCONSO.RRF, MRSTY.RRF, MRDEF.RRF); .gz is read transparently.")
        @Size(max = Bounds.URI)
        private String uri;

        @Required
        @JsonPropertyDescription("umls-rrf, tsv, dnorm (MEDIC), ctd (CTD_diseases.tsv) or obo.")
        private Format format;

        @JsonPropertyDescription("Short label of the source, e.g. MEDIC; defaults to the file name.")
        @Size(max = Bounds.CODE)
        private String name;
    }

    public enum Format {
        @JsonProperty("umls-rrf") UMLS_RRF,
        @JsonProperty("tsv") TSV,
        @JsonProperty("dnorm") DNORM,
        @JsonProperty("ctd") CTD,
        @JsonProperty("obo") OBO
    }

    public enum Preset {
        @JsonProperty("medmentions-st21pv") MEDMENTIONS_ST21PV,
        @JsonProperty("quaero") QUAERO
    }

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class NameCleaning {
        @JsonPropertyDescription("Strip trailing NOS / SAI qualifiers (default true).")
        private Boolean stripNos;
        @JsonPropertyDescription("Collapse runs of whitespace and trim (default true).")
        private Boolean normalizeWhitespace;
        @Min(1)
        @JsonPropertyDescription("Drop names longer than this many characters (default 200).")
        private Integer maxNameLength;
    }

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Metadata {
        @JsonPropertyDescription("Terminology name, e.g. MEDIC or UMLS.")
        @Size(max = Bounds.TEXT)
        private String name;
        @JsonPropertyDescription("Terminology release, e.g. 2012-07-06 or 2024AA.")
        @Size(max = Bounds.TEXT)
        private String version;
        @JsonPropertyDescription("Licence under which the terminology is used.")
        @Size(max = Bounds.TEXT)
        private String licence;
        @JsonPropertyDescription("Citation or URL of the terminology.")
        @Size(max = Bounds.LONG_TEXT)
        private String citation;
    }
}
