package io.syncabel.runtime.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.syncabel.runtime.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the report's files: report.json, report.md (per-stratum table) and recall_at_1.svg (bar chart). */
public final class ReportRenderer {
    public static final String JSON = "report.json";
    public static final String MARKDOWN = "report.md";
    public static final String CHART = "recall_at_1.svg";
    public static final String JUDGEMENTS = "judgements.jsonl";
    /** The predictions evaluate wrote when it ran the model itself. */
    public static final String PREDICTIONS = "predictions.jsonl";

    private ReportRenderer() {
    }

    /** File name to content, in writing order. */
    public static Map<String, byte[]> render(EvaluationReport report, List<Judgement> judgements) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try {
            files.put(JSON, (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            if (judgements != null) {
                StringBuilder jl = new StringBuilder();
                for (Judgement j : judgements) {
                    jl.append(Json.MAPPER.writeValueAsString(j)).append('\n');
                }
                files.put(JUDGEMENTS, jl.toString().getBytes(StandardCharsets.UTF_8));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        files.put(MARKDOWN, markdown(report).getBytes(StandardCharsets.UTF_8));
        files.put(CHART, svg(report).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    static String markdown(EvaluationReport r) {
        StringBuilder md = new StringBuilder();
        EvaluationReport.Counts c = r.counts();
        md.append("# Evaluation report\n\n");
        md.append("Predictions: `").append(r.input().file()).append("` (").append(r.input().format());
        if (r.input().sha256() != null) {
            md.append(", sha256 ").append(r.input().sha256(), 0, 12).append('…');
        }
        md.append(")");
        if (r.input().model() != null) {
            md.append(", linked by `").append(r.input().model()).append("` from `").append(r.input().testCorpus()).append('`');
        }
        md.append(".  \n");
        md.append(String.format(Locale.ROOT, "%d mentions scored in %d documents (%d rows read, %d duplicates and "
                + "%d without a code dropped).%n%n", c.mentions(), c.documents(), c.rows(), c.duplicates(), c.noCode()));
        md.append("**Recall@1 ").append(r.overall().recallAt1().text()).append("**");
        if (r.settings().bootstrapResamples() > 0) {
            md.append(String.format(Locale.ROOT, " (95%% document-level bootstrap interval, %d resamples, seed %d)",
                    r.settings().bootstrapResamples(), r.settings().seed()));
        }
        md.append("  \nLenient Recall@1 ").append(r.overall().lenientRecallAt1().text())
                .append(" (the BioSyn/GenBioEL papers' protocol: right when the top prediction shares a code with the gold)");
        md.append("\n\n![Recall@1 per stratum with 95% intervals](").append(CHART).append(")\n\n");

        List<Integer> ks = r.settings().k();
        boolean judged = r.judge() != null;
        md.append("| stratum | mentions | documents |");
        ks.forEach(k -> md.append(" Recall@").append(k).append(" |"));
        md.append(" lenient R@1 |");
        if (judged) {
            md.append(" judge correct | judge broad | narrow | no relation |");
        }
        md.append("\n|---|---:|---:|");
        ks.forEach(k -> md.append("---:|"));
        md.append("---:|");
        if (judged) {
            md.append("---:|---:|---:|---:|");
        }
        md.append('\n');
        for (EvaluationReport.Stratum s : r.strata()) {
            md.append("| ").append(cell(s.dimension().equals("group") ? "group " + s.name() : s.name()))
                    .append(" | ").append(s.mentions()).append(" | ").append(s.documents()).append(" |");
            ks.forEach(k -> md.append(' ').append(s.recallAtK().get(Integer.toString(k)).text()).append(" |"));
            md.append(' ').append(s.lenientRecallAt1().text()).append(" |");
            if (judged) {
                for (String f : List.of("correct", "broad", "narrow", "noRelation")) {
                    md.append(' ').append(s.judge().get(f).text()).append(" |");
                }
            }
            md.append('\n');
        }
        if (r.comparison() != null) {
            comparison(md, r.comparison(), r.settings());
        }
        if (judged) {
            EvaluationReport.JudgeSummary j = r.judge();
            md.append("\n## LLM-as-a-judge\n\n");
            md.append(j.source().equals("file") ? "Labels read from the prediction file.\n\n"
                    : "Endpoint `" + j.endpoint() + "`, model `" + j.model() + "`.\n\n");
            md.append("\"correct\" = exact code match (STRICT) or judged EXACT; \"broad\" = BROAD or PARTIAL "
                    + "(predicted codes a part of a composite gold).\n\n");
            if (!j.source().equals("file")) {
                md.append(String.format(Locale.ROOT, "%d mentions: %d by rule, %d by the LLM, %d failed (after retries; "
                        + "counted as neither correct nor broad).%n%n", j.judged(), j.byRule(), j.byLlm(), j.failed()));
            }
            md.append("| label | mentions |\n|---|---:|\n");
            j.labels().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            if (j.failures() != null && !j.failures().isEmpty()) {
                md.append("\n| failure | mentions |\n|---|---:|\n");
                j.failures().forEach((k, v) -> md.append("| ").append(cell(k)).append(" | ").append(v).append(" |\n"));
            }
            if (j.usage() != null) {
                md.append("\nUsage: ");
                md.append(String.join(", ", j.usage().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
                md.append(".\n");
            }
        }
        if (!r.notes().isEmpty()) {
            md.append("\n## Notes\n\n");
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static void comparison(StringBuilder md, EvaluationReport.Comparison c, EvaluationReport.Settings settings) {
        md.append("\n## Paired comparison\n\n");
        md.append("Against `").append(c.other().file()).append("` (").append(c.other().format());
        if (c.other().sha256() != null) {
            md.append(", sha256 ").append(c.other().sha256(), 0, 12).append('…');
        }
        md.append(String.format(Locale.ROOT, "), on the same %d mentions (paired on document, group, start, end and text).%n%n",
                c.mentions()));
        md.append("| predictions | Recall@1 |\n|---|---:|\n");
        md.append("| this file | ").append(c.recallAt1().text()).append(" |\n");
        md.append("| `").append(cell(c.other().file())).append("` | ").append(c.otherRecallAt1().text()).append(" |\n");
        md.append("| **difference (this − other), points** | **").append(c.delta().text()).append("** |\n\n");
        if (settings.bootstrapResamples() > 0) {
            md.append(String.format(Locale.ROOT, "95%% paired bootstrap interval: mentions resampled with replacement, the same "
                    + "resamples for both files, %d resamples, seed %d.%n%n", settings.bootstrapResamples(), settings.seed()));
        }
        md.append(String.format(Locale.ROOT, "Right in this file only: %d; right in the other only: %d; right in both: %d; "
                + "wrong in both: %d.%n", c.onlyThisCorrect(), c.onlyOtherCorrect(), c.bothCorrect(), c.neitherCorrect()));
    }

    /** A horizontal bar per stratum (Recall@1), with the interval as an error bar: plain SVG, no library. */
    static String svg(EvaluationReport r) {
        List<EvaluationReport.Stratum> strata = r.strata();
        int labelWidth = 220;
        int barWidth = 440;
        int row = 30;
        int top = 40;
        int width = labelWidth + barWidth + 110;
        int height = top + row * strata.size() + 40;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">%n", width, height, width, height));
        s.append("<title>Recall@1 per stratum with 95% bootstrap intervals</title>\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">"
                + "Recall@1 (%%) with 95%% interval</text>%n", labelWidth));
        for (int tick = 0; tick <= 100; tick += 20) {
            double x = labelWidth + barWidth * tick / 100.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%d</text>%n",
                    x, top - 5, x, top + row * strata.size(), x, top + row * strata.size() + 16, tick));
        }
        for (int i = 0; i < strata.size(); i++) {
            EvaluationReport.Stratum st = strata.get(i);
            Figure f = st.recallAt1();
            int y = top + i * row;
            String color = switch (st.dimension()) {
                case "all" -> "#1f4e79";
                case "group" -> "#2e86c1";
                case "seen" -> "#239b56";
                default -> "#b9770e";
            };
            String label = (st.dimension().equals("group") ? "group " : "") + st.name() + " (n=" + st.mentions() + ")";
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    labelWidth - 8, y + 19, xml(label)));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                    + "<title>%s</title></rect>%n", labelWidth, y + 6, barWidth * f.value() / 100, row - 10, color,
                    xml(st.name() + ": " + f.text())));
            if (f.ciLow() != null) {
                double lo = labelWidth + barWidth * f.ciLow() / 100;
                double hi = labelWidth + barWidth * f.ciHigh() / 100;
                int mid = y + row / 2 + 1;
                s.append(String.format(Locale.ROOT, "<path d=\"M%.1f %d H%.1f M%.1f %d V%d M%.1f %d V%d\" "
                        + "stroke=\"black\" stroke-width=\"1.5\" fill=\"none\"/>%n",
                        lo, mid, hi, lo, mid - 5, mid + 5, hi, mid - 5, mid + 5));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n",
                    labelWidth + barWidth + 8, y + 19, xml(f.valueText())));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /** Group names and failure reasons come from input files: a '|' must not break the table. */
    static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
