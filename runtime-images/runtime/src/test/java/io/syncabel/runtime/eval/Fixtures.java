package io.syncabel.runtime.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small hand-made prediction files. */
final class Fixtures {
    private Fixtures() {
    }

    /**
     * Three documents, five scored mentions after cleaning:
     * d1: D1 hit@1 (Disease, seen, exact name); D2 hit@2 only (Disease, unseen); one duplicate row of D1's span;
     * d2: composite D3+D4 predicted as D4+D3 (hit; Disease, seen), a NO_CODE gold (dropped);
     * d3: Chemical C1 predicted C2 then nothing else (miss, unseen, not exact), Chemical C5 with no candidate (miss).
     */
    static final List<String> LINES = List.of(
            "{\"document\":\"d1\",\"start\":0,\"end\":5,\"text\":\"tumor\",\"group\":\"Disease\",\"gold\":[\"D1\"],"
                    + "\"candidates\":[{\"codes\":[\"D1\"],\"name\":\"tumour\",\"score\":-0.1},{\"codes\":[\"D9\"],\"name\":\"x\",\"score\":-2}],"
                    + "\"seen\":true,\"exactNameInKb\":true}",
            "{\"document\":\"d1\",\"start\":10,\"end\":16,\"text\":\"asthma\",\"group\":\"Disease\",\"gold\":[\"D2\"],"
                    + "\"candidates\":[{\"codes\":[\"D7\"],\"name\":\"copd\"},{\"codes\":[\"D2\"],\"name\":\"asthma\"}],"
                    + "\"seen\":false,\"exactNameInKb\":true}",
            "{\"document\":\"d1\",\"start\":0,\"end\":5,\"text\":\"tumor\",\"group\":\"Disease\",\"gold\":[\"D1\"],"
                    + "\"candidates\":[],\"seen\":true}",
            "{\"document\":\"d2\",\"start\":3,\"end\":20,\"text\":\"breast and ovarian cancer\",\"group\":\"Disease\","
                    + "\"gold\":[\"D3\",\"D4\"],\"candidates\":[{\"codes\":[\"D4\",\"D3\"],\"name\":\"b + o\"}],\"seen\":true,"
                    + "\"exactNameInKb\":false}",
            "{\"document\":\"d2\",\"start\":30,\"end\":35,\"text\":\"thing\",\"group\":\"Disease\",\"gold\":[\"NO_CODE\"],"
                    + "\"candidates\":[{\"codes\":[\"D1\"],\"name\":\"tumour\"}]}",
            "",
            "{\"document\":\"d3\",\"start\":0,\"end\":7,\"text\":\"aspirin\",\"group\":\"Chemical\",\"gold\":\"C1\","
                    + "\"candidates\":[{\"codes\":[\"C2\"],\"name\":\"ibuprofen\"}],\"seen\":false,\"exactNameInKb\":false}",
            "{\"document\":\"d3\",\"start\":9,\"end\":12,\"text\":\"ASA\",\"group\":\"Chemical\",\"gold\":[\"C5\"],"
                    + "\"candidates\":[]}");

    static Path write(Path dir, String name, List<String> lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, lines);
        return file;
    }

    static Path jsonl(Path dir) throws IOException {
        return write(dir, "predictions.jsonl", LINES);
    }
}
