package io.flowengine.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone session cluster — a JobManager and a TaskManager, each its own JVM, from the
 * Maven jars (target/flink-lib), with GraalJS in the cluster's class path as docs/flink.md
 * advises — and the packaged launcher submitting the thin job jar to it with --jobmanager.
 */
class StandaloneClusterIT {

    static final Path TARGET = Path.of(System.getProperty("flowengine.flink.target", "target")).toAbsolutePath();
    static final String JVM_FLAGS = System.getProperty("flowengine.flink.jvmFlags", "");

    static Path work;
    static int restPort;
    static final List<Process> CLUSTER = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        work = Files.createTempDirectory("flowengine-flink-it-");
        Path conf = Files.createDirectories(work.resolve("conf"));
        restPort = freePort();
        Files.writeString(conf.resolve("config.yaml"), String.join("\n",
                "jobmanager.rpc.address: localhost",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: localhost",
                "rest.address: localhost",
                "rest.bind-address: localhost",
                "rest.port: " + restPort,
                "taskmanager.host: localhost",
                "taskmanager.bind-host: localhost",
                "taskmanager.numberOfTaskSlots: 2",
                "taskmanager.memory.process.size: 1600m",
                "jobmanager.memory.process.size: 1024m",
                "parallelism.default: 2",
                "") + "\n");
        CLUSTER.add(start("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", conf,
                List.of("-Xmx512m"), List.of()));
        // what Flink's taskmanager.sh does: the TaskManager's JVM options and memory settings, as Flink computes them
        List<String> params = bashJavaUtils("GET_TM_RESOURCE_PARAMS", conf);
        List<String> jvm = List.of(params.get(0).split("\\s+"));
        List<String> dynamic = List.of(params.get(params.size() - 1).split("\\s+"));
        CLUSTER.add(start("taskmanager", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", conf, jvm, dynamic));
        awaitTaskManager();
    }

    /** One cluster process: Flink's jars, GraalJS and an SLF4J backend on its class path, as a cluster's lib/ would have them. */
    private static Process start(String name, String mainClass, Path conf, List<String> jvm, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(jvm);
        cmd.addAll(List.of(JVM_FLAGS.trim().split("\\s+")));
        cmd.addAll(List.of("-Dpolyglot.engine.WarnInterpreterOnly=false", "-cp", classPath(), mainClass, "--configDir", conf.toString()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile()).start();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classPath() throws IOException {
        return String.join(File.pathSeparator, TARGET.resolve("flink-lib") + "/*", TARGET.resolve("graal-lib") + "/*",
                jar("slf4j-api"), jar("slf4j-jdk14"));
    }

    /** Runs Flink's BashJavaUtils (as its scripts do) and returns its result lines. */
    private static List<String> bashJavaUtils(String command, Path conf) throws Exception {
        Process p = new ProcessBuilder(java(), "-cp", classPath(), "org.apache.flink.runtime.util.bash.BashJavaUtils", command,
                "--configDir", conf.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<String> results = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")) {
                results.add(line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim());
            }
        }
        if (results.size() >= 2) {
            return results;
        }
        throw new AssertionError("BashJavaUtils " + command + " gave no result: " + out);
    }

    private static String jar(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(TARGET.resolve("lib"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix + "-")).findFirst().orElseThrow().toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitTaskManager() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "";
        while (System.nanoTime() < deadline) {
            for (Process p : CLUSTER) {
                if (!p.isAlive()) {
                    throw new AssertionError("a cluster process ended: " + logs());
                }
            }
            try {
                last = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + restPort + "/taskmanagers"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                if (last.contains("\"slotsNumber\":2")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no TaskManager registered within 90 s (" + last + "): " + logs());
    }

    private static String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String n : List.of("jobmanager", "taskmanager")) {
            Path log = work.resolve(n + ".log");
            if (Files.exists(log)) {
                String text = Files.readString(log);
                sb.append("\n--- ").append(n).append(" ---\n").append(text.substring(Math.max(0, text.length() - 4000)));
            }
        }
        return sb.toString();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (Process p : CLUSTER) {
            p.destroy();
        }
        for (Process p : CLUSTER) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** Runs the packaged launcher; returns its exit code, its stderr in {@code err}. */
    private static int launcher(Path dir, StringBuilder err, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TARGET.resolve("flowengine-flink").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("launcher.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not end within 180 s: " + Files.readString(dir.resolve("launcher.log")) + logs());
        }
        err.append(Files.readString(dir.resolve("launcher.log")));
        return p.exitValue();
    }

    @Test
    void theLauncherRunsAJobOnTheClusterAndReportsAsFlowengineRunDoes(@TempDir Path tmp) throws Exception {
        OrdersData data = OrdersData.make(tmp, 20_000);
        Path out = tmp.resolve("out");
        Path dl = tmp.resolve("dead-letters");
        Path summary = tmp.resolve("summary.json");
        StringBuilder err = new StringBuilder();
        int code = launcher(tmp, err, "run", OrdersData.PIPELINE.toString(), "-i", data.input.toString(), "-o", out.toString(),
                "--dead-letter", dl.toString(), "-p", "2", "--jobmanager", "localhost:" + restPort,
                "--job-jar", TARGET.resolve("flowengine-flink-job-thin.jar").toString(), "--summary", summary.toString());

        assertThat(code).as(err + logs()).isZero();
        assertThat(err.toString()).contains("flowengine-flink: succeeded in").contains(String.format(java.util.Locale.ROOT,
                "%,d rows in, %,d out, %,d filtered, %,d failed",
                data.cli.rowsIn(), data.cli.rowsOut(), data.cli.rowsFiltered(), data.cli.rowsFailed()));
        assertThat(FlinkTesting.rowsOfParts(out, data.header(), StandardCharsets.UTF_8, ',')).isEqualTo(data.rows());
        assertThat(FlinkTesting.rowsOfParts(dl, data.deadLetterHeader(), StandardCharsets.UTF_8, ',')).isEqualTo(data.deadLetters());
        assertThat(Files.readString(summary)).contains("\"status\":\"succeeded\"", "\"rowsIn\":" + data.cli.rowsIn(),
                "\"rowsFailed\":" + data.cli.rowsFailed());
    }

    /** Runs {@code jcmd} on the TaskManager's JVM and returns what it printed. */
    private static String jcmdTaskManager(String command) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(CLUSTER.get(1).pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    /** The TaskManager's metaspace in use, in bytes, after a full collection (which unloads released class loaders). */
    private static long metaspaceUsed() throws Exception {
        jcmdTaskManager("GC.run");
        String info = jcmdTaskManager("GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Metaspace\\s+used (\\d+)K").matcher(info);
        assertThat(m.find()).as(info).isTrue();
        return Long.parseLong(m.group(1)) << 10;
    }

    /**
     * GraalJS in the cluster's class path and the thin jar: job after job, the TaskManager's
     * metaspace stays flat (with GraalJS inside each job's jar it grew by about 21 MB a job: its
     * engine's shutdown hook keeps the job's class loader).
     */
    @Test
    void jobAfterJobWithTheThinJarTheTaskManagersMetaspaceStaysFlat(@TempDir Path tmp) throws Exception {
        Path input = tmp.resolve("in.csv");
        Files.writeString(input, "id,name,amount,quantity,status\n1,ann,1,1,paid\n2,bo,x,1,paid\n");
        Path pipeline = tmp.resolve("graal.yaml");
        // a regular expression: not compiled, so every job starts GraalJS
        Files.writeString(pipeline, """
                steps:
                  - name: clean
                    javascript: |
                      function transform(row) { row.name = row.name.replace(/[aeiou]/g, '*'); return row; }
                """);
        List<Long> used = new ArrayList<>();
        for (int job = 0; job < 4; job++) {
            StringBuilder err = new StringBuilder();
            int code = launcher(tmp, err, "run", pipeline.toString(), "-i", input.toString(), "-o", tmp.resolve("out" + job).toString(),
                    "--jobmanager", "localhost:" + restPort, "--job-jar", TARGET.resolve("flowengine-flink-job-thin.jar").toString(), "-q");
            assertThat(code).as(err.toString()).isZero();
            used.add(metaspaceUsed());
        }
        System.out.println("TaskManager metaspace after each of 4 jobs (bytes): " + used);
        // the first job loads GraalJS's classes once; the three after it must not add a job's worth each
        assertThat(used.get(3) - used.get(1)).as("metaspace after jobs 1-4: %s", used).isLessThan(12L << 20);
    }

    @Test
    void aRowErrorUnderOnErrorFailFailsTheJobAtOnceWithWhereAndWhy(@TempDir Path tmp) throws Exception {
        Path input = tmp.resolve("in.csv");
        Files.writeString(input, "id,amount\n1,2\n2,x\n3,4\n");
        Path pipeline = tmp.resolve("strict.yaml");
        Files.writeString(pipeline, """
                steps:
                  - name: check
                    javascript: |
                      function transform(row) {
                        if (isNaN(row.amount)) throw new Error('amount is not a number');
                        return row;
                      }
                """);
        StringBuilder err = new StringBuilder();
        int code = launcher(tmp, err, "run", pipeline.toString(), "-i", input.toString(), "-o", tmp.resolve("out").toString(),
                "--jobmanager", "localhost:" + restPort, "--job-jar", TARGET.resolve("flowengine-flink-job-thin.jar").toString());

        assertThat(code).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("flowengine-flink: run failed:", "(record 2, line 3, step 'check')", "amount is not a number",
                "flowengine-flink: failed in");
    }
}
