import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's baseline: the time to merely read a file's lines as UTF-8 strings in Java, which no
 * ingestion can beat. Prints "rows=<n> seconds=<s>". Run as `java bench/LineCount.java FILE`.
 */
public class LineCount {
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        long rows = 0;
        long chars = 0;
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(Files.newInputStream(Path.of(args[0])), StandardCharsets.UTF_8), 1 << 16)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                rows++;
                chars += line.length(); // keep the JIT from discarding the lines
            }
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf("rows=%d seconds=%.3f chars=%d%n", rows, s, chars);
    }
}
