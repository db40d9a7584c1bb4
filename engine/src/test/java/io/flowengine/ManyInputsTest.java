package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several inputs, in order, as one: files, folders and globs; every header the first's. */
class ManyInputsTest {

    @TempDir
    Path dir;

    Path pipeline;

    @BeforeEach
    void files() throws IOException {
        Files.createDirectories(dir.resolve("in"));
        Files.writeString(dir.resolve("in/orders-1.csv"), "id,name\n1,ann\n2,boom\n");
        Files.writeString(dir.resolve("in/orders-2.csv"), "id,name\n3,bo\n");
        Files.writeString(dir.resolve("in/.hidden.csv"), "id,name\n9,hidden\n");
        Files.writeString(dir.resolve("in/notes.txt"), "not csv\n");
        Files.writeString(dir.resolve("extra.csv"), "id,name\n4,boom\n5,cy\n");
        pipeline = dir.resolve("p.yaml");
        Files.writeString(pipeline, """
                errors:
                  onError: dead-letter
                steps:
                  - name: upper
                    javascript: |
                      function transform(row) {
                        if (row.name === 'boom') throw new Error('boom');
                        row.name = row.name.toUpperCase();
                        return row;
                      }
                """);
    }

    private RunSummary run(RunRequest request) {
        return Pipeline.load(pipeline).run(request.output(dir.resolve("out.csv")).deadLetter(dir.resolve("dl.csv"))).block();
    }

    @Test
    void aGlobAndAFileAreReadInOrderAsOneInputAndDeadLettersSayWhichFile() throws IOException {
        RunSummary s = run(RunRequest.create().inputs(List.of(dir.resolve("in/orders-*.csv"), dir.resolve("extra.csv"))));
        assertThat(s.succeeded()).as(s.error().map(Throwable::getMessage).orElse("")).isTrue();
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("id,name\n1,ANN\n3,BO\n5,CY\n");
        assertThat(List.of(s.rowsIn(), s.rowsOut(), s.rowsFailed())).containsExactly(5L, 3L, 2L);
        List<String> dead = Files.readAllLines(dir.resolve("dl.csv"));
        assertThat(dead.get(0)).isEqualTo("id,name,_row,_line,_step,_error,_raw,_file");
        // _row and _line count within each file
        assertThat(dead.get(1)).startsWith("2,boom,2,3,upper,").endsWith("," + dir.resolve("in/orders-1.csv"));
        assertThat(dead.get(2)).startsWith("4,boom,1,2,upper,").endsWith("," + dir.resolve("extra.csv"));
    }

    /** ctx.file: on GraalJS, after a compiled step and alone; a stream has none; a preview has its file. */
    @Test
    void scriptsSeeTheirRecordsFileAsCtxFile() throws IOException {
        Files.writeString(pipeline, """
                execution:
                  chunkSize: 2
                steps:
                  - name: compiled
                    javascript: |
                      function transform(row) { row.n = row.id + 'x'; return row; }
                  - name: file
                    javascript: |
                      function transform(row, ctx) {
                        row.src = ctx.file === null ? 'a stream' : ctx.file.slice(ctx.file.lastIndexOf('/') + 1);
                        return row;
                      }
                  - name: keep
                    filter: "ctx.file === null || ctx.file.endsWith('.csv')"
                """);
        RunSummary s = run(RunRequest.create().inputs(List.of(dir.resolve("in/orders-*.csv"), dir.resolve("extra.csv"))));
        assertThat(s.succeeded()).as(s.error().map(Throwable::getMessage).orElse("")).isTrue();
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("id,name,n,src\n1,ann,1x,orders-1.csv\n2,boom,2x,orders-1.csv\n"
                + "3,bo,3x,orders-2.csv\n4,boom,4x,extra.csv\n5,cy,5x,extra.csv\n");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Pipeline.load(pipeline).run(RunRequest.create().input(new java.io.ByteArrayInputStream("id,name\n1,a\n".getBytes()), "stdin")
                .output(out)).block();
        assertThat(out.toString()).isEqualTo("id,name,n,src\n1,a,1x,a stream\n");
        Preview p = Pipeline.load(pipeline).preview(dir.resolve("extra.csv"), 10);
        assertThat(p.stages().get(1).rows().get(0).get("src")).isEqualTo("extra.csv");
    }

    @Test
    void aFolderIsItsFilesInOrderWithoutHiddenOnes() throws IOException {
        Files.delete(dir.resolve("in/notes.txt"));
        RunSummary s = run(RunRequest.create().input(dir.resolve("in")));
        assertThat(s.succeeded()).isTrue();
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("id,name\n1,ANN\n3,BO\n");
    }

    @Test
    void sourcePathMayBeAGlobRelativeToThePipelineFile() throws IOException {
        Files.writeString(pipeline, Files.readString(pipeline) + "source:\n  path: in/orders-*.csv\n");
        RunSummary s = run(RunRequest.create());
        assertThat(s.rowsIn()).isEqualTo(3);
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("id,name\n1,ANN\n3,BO\n");
    }

    @Test
    void aFileWithAnotherHeaderFailsTheRunNamingBothFilesAndWritesNothing() throws IOException {
        Files.writeString(dir.resolve("other.csv"), "id,title\n7,x\n");
        RunSummary s = run(RunRequest.create().inputs(List.of(dir.resolve("extra.csv"), dir.resolve("other.csv"))));
        assertThat(s.succeeded()).isFalse();
        assertThat(s.error().orElseThrow().getMessage()).isEqualTo(dir.resolve("other.csv") + ": the header [id, title] differs from "
                + dir.resolve("extra.csv") + "'s [id, name]. Every input must have the same columns, in the same order"
                + " (or set source.unionColumns: true to take the union of the headers)");
        assertThat(dir.resolve("out.csv")).doesNotExist();
    }

    @Test
    void unionColumnsTakesEveryHeadersColumnsAndFillsTheMissingOnesWithEmpty() throws IOException {
        Files.writeString(dir.resolve("other.csv"), "name,city\nzed,Oslo\n");
        Files.writeString(pipeline, Files.readString(pipeline) + "source:\n  unionColumns: true\n");
        RunSummary s = run(RunRequest.create().inputs(List.of(dir.resolve("extra.csv"), dir.resolve("other.csv"))));
        assertThat(s.succeeded()).as(s.error().map(Throwable::getMessage).orElse("")).isTrue();
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("id,name,city\n5,CY,\n,ZED,Oslo\n");
        assertThat(Files.readAllLines(dir.resolve("dl.csv")).get(0)).isEqualTo("id,name,city,_row,_line,_step,_error,_raw,_file");
    }

    @Test
    void aGlobThatMatchesNothingIsAClearError() {
        RunSummary s = run(RunRequest.create().input(dir.resolve("in/nothing-*.csv")));
        assertThat(s.error().orElseThrow().getMessage()).startsWith("no file matches the input " + dir.resolve("in/nothing-*.csv"));
    }
}
