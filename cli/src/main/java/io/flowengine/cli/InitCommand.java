package io.flowengine.cli;

import io.flowengine.internal.csv.CsvReader;
import io.flowengine.internal.csv.CsvRecord;
import io.flowengine.internal.csv.CsvWriter;
import io.flowengine.internal.run.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flowengine init SAMPLE}: writes a commented pipeline file for a sample input, its
 * dialect, encoding and header sniffed from the first 64 KiB, with a step to start from and a
 * test made of the sample's first records (which passes as written).
 */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Writes a commented pipeline file for a sample input: delimiter, encoding and header sniffed from it.")
final class InitCommand implements Callable<Integer> {

    private static final int SAMPLE_BYTES = 64 * 1024;
    private static final char[] DELIMITERS = {',', '\t', ';', '|'};

    private final Main.Terminal terminal;

    @Parameters(index = "0", paramLabel = "SAMPLE", description = "A sample of the input (CSV, TSV, PSV, ...; gzip or zstd is fine).")
    Path sample;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "The pipeline file to write (default: pipeline.yaml beside the sample).")
    Path output;

    @Option(names = "--force", description = "Replace the pipeline file if it exists.")
    boolean force;

    InitCommand(Main.Terminal terminal) {
        this.terminal = terminal;
    }

    /** What the sample looks like. */
    record Sniffed(Charset encoding, boolean bom, char delimiter, boolean header, List<List<String>> records) {
    }

    @Override
    public Integer call() throws IOException {
        Path out = output != null ? output : sample.toAbsolutePath().resolveSibling("pipeline.yaml");
        if (Files.exists(out) && !force) {
            throw new UsageException(out + " exists. Pass --force to replace it, or -o FILE to write another");
        }
        if (!Files.isRegularFile(sample)) {
            throw new UsageException("the sample " + sample + " is not a file");
        }
        Sniffed s = sniff(head(sample));
        String relative = out.toAbsolutePath().getParent().relativize(sample.toAbsolutePath()).toString();
        Files.writeString(out, yaml(s, out.getFileName().toString(), relative), StandardCharsets.UTF_8);
        terminal.err().println("flowengine: wrote " + out + " (" + describe(s) + "). Next: flowengine test " + out
                + ", then flowengine run " + out);
        return Main.OK;
    }

    static String describe(Sniffed s) {
        return "delimiter " + (s.delimiter() == '\t' ? "tab" : "'" + s.delimiter() + "'") + ", " + s.encoding().name()
                + ", " + (s.header() ? "a header of " + s.records().get(0).size() + " columns" : "no header, "
                + (s.records().isEmpty() ? 0 : s.records().get(0).size()) + " columns");
    }

    /** The first {@value #SAMPLE_BYTES} bytes, decompressed if gzip or zstd. */
    static byte[] head(Path file) throws IOException {
        try (InputStream in = Codec.detected(Files.newInputStream(file))) {
            return in.readNBytes(SAMPLE_BYTES);
        }
    }

    static Sniffed sniff(byte[] bytes) throws IOException {
        Charset encoding = StandardCharsets.UTF_8;
        boolean bom = false;
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            bom = true;
            start = 3;
        } else if (bytes.length >= 2 && ((bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xFE
                || (bytes[0] & 0xff) == 0xFE && (bytes[1] & 0xff) == 0xFF)) {
            encoding = StandardCharsets.UTF_16;
        } else if (!validUtf8(bytes)) {
            encoding = Charset.forName("windows-1252");
        }
        String text = new String(bytes, start, bytes.length - start, encoding);
        if (bytes.length == SAMPLE_BYTES) {
            // the last line may be cut: leave it out
            int nl = text.lastIndexOf('\n');
            text = nl > 0 ? text.substring(0, nl + 1) : text;
        }
        char best = ',';
        int bestScore = -1;
        List<List<String>> bestRecords = List.of();
        for (char d : DELIMITERS) {
            List<List<String>> records = parse(text, d);
            if (records.isEmpty()) {
                continue;
            }
            int width = records.get(0).size();
            int consistent = 0;
            for (List<String> r : records) {
                if (r.size() == width) {
                    consistent++;
                }
            }
            // records that split into the same number of fields, more than one, are the evidence
            int score = width > 1 ? consistent * 1000 + width : 0;
            if (score > bestScore) {
                best = d;
                bestScore = score;
                bestRecords = records;
            }
        }
        return new Sniffed(encoding, bom, best, looksLikeHeader(bestRecords), bestRecords);
    }

    private static boolean validUtf8(byte[] bytes) {
        try {
            int end = bytes.length;
            // a sequence cut by the sample's end is not an error
            for (int back = 1; back <= 3 && end - back >= 0; back++) {
                int b = bytes[end - back] & 0xff;
                if (b >= 0xC0) {
                    int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                    if (back < need) {
                        end -= back;
                    }
                    break;
                }
                if (b < 0x80) {
                    break;
                }
            }
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, end));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static List<List<String>> parse(String text, char delimiter) throws IOException {
        CsvReader r = new CsvReader(new StringReader(text), delimiter, '"', Integer.MAX_VALUE, Integer.MAX_VALUE, () -> 0);
        List<List<String>> records = new ArrayList<>();
        CsvRecord rec;
        while (records.size() < 200 && (rec = r.next()) != null) {
            if (!rec.malformed()) {
                records.add(Arrays.asList(rec.fields()));
            }
        }
        return records;
    }

    /**
     * A header: its names are all non-empty and distinct, none is a number, and (when the
     * records have numbers) some column below it is numeric.
     */
    static boolean looksLikeHeader(List<List<String>> records) {
        if (records.isEmpty()) {
            return false;
        }
        List<String> first = records.get(0);
        if (first.stream().anyMatch(v -> v.isBlank() || numeric(v)) || new HashSet<>(first).size() != first.size()) {
            return false;
        }
        if (records.size() == 1) {
            return true;
        }
        boolean numbersBelow = records.subList(1, records.size()).stream().anyMatch(r -> r.stream().anyMatch(InitCommand::numeric));
        return numbersBelow || records.subList(1, records.size()).stream().noneMatch(first::equals);
    }

    private static boolean numeric(String v) {
        return v.strip().matches("[-+]?(\\d+([.,]\\d*)?|[.,]\\d+)([eE][-+]?\\d+)?");
    }

    /** The pipeline file's text. */
    static String yaml(Sniffed s, String fileName, String samplePath) {
        List<String> columns = s.header() ? s.records().get(0) : numbered(s.records().isEmpty() ? 0 : s.records().get(0).size());
        String first = columns.isEmpty() ? "c1" : columns.get(0);
        StringBuilder y = new StringBuilder();
        y.append("# A FlowEngine pipeline, written by flowengine init for ").append(samplePath).append(".\n");
        y.append("# Reference: docs/pipeline-file.md. Check it: flowengine validate; try it: flowengine test and preview.\n");
        y.append("version: 1\n");
        y.append("name: ").append(yamlString(fileName.replaceFirst("\\.ya?ml$", ""))).append('\n');
        y.append("source:\n");
        y.append("  path: ").append(yamlString(samplePath)).append("      # --input overrides it\n");
        String format = s.delimiter() == ',' ? "csv" : s.delimiter() == '\t' ? "tsv" : s.delimiter() == '|' ? "psv" : null;
        if (format != null) {
            y.append("  format: ").append(format).append('\n');
        } else {
            y.append("  delimiter: ").append(yamlString(String.valueOf(s.delimiter()))).append('\n');
        }
        y.append("  header: ").append(s.header()).append(s.header() ? "" : "             # the columns are c1, c2, ... (or name them: columns: [...])").append('\n');
        if (!s.encoding().equals(StandardCharsets.UTF_8)) {
            y.append("  encoding: ").append(s.encoding().name()).append("   # the sample is not valid UTF-8\n");
        }
        y.append("# the columns: ").append(String.join(", ", columns)).append('\n');
        y.append("steps:\n");
        y.append("  - name: edit-me\n");
        y.append("    javascript: |\n");
        y.append("      function transform(row, ctx) {\n");
        y.append("        // row").append(jsName(first)).append(" is a string; change the row, return it (null drops it)\n");
        y.append("        return row;\n");
        y.append("      }\n");
        y.append("sink:\n");
        y.append("  path: ").append(yamlString("out/" + stem(samplePath) + ".csv")).append("   # --output overrides it\n");
        y.append("errors:\n");
        y.append("  onError: dead-letter       # failed rows go to a .dead-letters.csv beside the output, with the reason\n");
        y.append("tests:\n");
        y.append("  - name: the first records pass through\n");
        List<List<String>> sampleRows = s.records().subList(0, Math.min(s.records().size(), s.header() ? 3 : 2));
        y.append("    input: |\n");
        CsvWriter in = new CsvWriter(s.delimiter(), '"');
        CsvWriter csv = new CsvWriter(',', '"');
        StringBuilder input = new StringBuilder();
        StringBuilder expect = new StringBuilder();
        for (List<String> r : sampleRows) {
            in.append(input, r);
        }
        if (!s.header()) {
            csv.append(expect, columns);
        }
        for (List<String> r : sampleRows) {
            csv.append(expect, r);
        }
        indent(y, input.toString());
        y.append("    expect: |\n");
        indent(y, expect.toString());
        return y.toString();
    }

    private static boolean blockSafe(String text) {
        return !text.contains("\r") && text.lines().noneMatch(l -> l.isEmpty());
    }

    private static void indent(StringBuilder y, String text) {
        if (!blockSafe(text)) {
            y.setLength(y.length() - 2);
            y.append(yamlString(text)).append('\n');
            return;
        }
        for (String line : text.split("\n")) {
            y.append("      ").append(line).append('\n');
        }
    }

    private static List<String> numbered(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add("c" + i);
        }
        return names;
    }

    private static String stem(String name) {
        return Path.of(name).getFileName().toString().replaceFirst("(\\.(csv|tsv|psv|txt))?(\\.(gz|zst))?$", "");
    }

    private static String jsName(String column) {
        return column.matches("[A-Za-z_$][A-Za-z0-9_$]*") ? "." + column : "['" + column.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    /** A YAML double-quoted string (safe for any text). */
    static String yamlString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
