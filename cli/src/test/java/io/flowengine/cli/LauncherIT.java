package io.flowengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged launcher ({@code cli/target/flowengine}) where no usable Java is. */
class LauncherIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("flowengine.launcher", "target/flowengine"));

    @TempDir
    Path dir;

    record Result(int exit, String stderr) {
    }

    /** Runs the launcher with only {@code env} (and a PATH of the tools it needs, without java). */
    private Result launch(Map<String, String> env) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("bash", "dirname", "readlink", "cat", "sed")) {
            Path target = Path.of("/usr/bin", tool);
            Files.createSymbolicLink(bin.resolve(tool), Files.exists(target) ? target : Path.of("/bin", tool));
        }
        ProcessBuilder pb = new ProcessBuilder(bin.resolve("bash").toString(), LAUNCHER.toAbsolutePath().toString(), "--version")
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void withNoJavaItSaysWhatToInstall() throws Exception {
        Result r = launch(Map.of());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("flowengine: no Java found. Install Java 17 or newer");
    }

    @Test
    void anOlderJavaIsNamedAndNotRun() throws Exception {
        Path jdk = Files.createDirectories(dir.resolve("jdk-11/bin"));
        Path java = jdk.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho ran >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("jdk-11/release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"11.0.2\"\n");
        Result r = launch(Map.of("JAVA_HOME", dir.resolve("jdk-11").toString()));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("flowengine: needs Java 17 or newer, and " + java + " is Java 11.")
                .doesNotContain("ran");
    }

    /** A one-liner through the real launcher, stdin to stdout, as docs/cli.md shows it. */
    @Test
    void aOneLinerRunsThroughTheLauncher() throws Exception {
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "amount,quantity,status\n2,3,paid\n1,1,cancelled\n");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toAbsolutePath().toString(), "run",
                "-e", "row.total = row.amount * row.quantity", "-f", "row.status !== 'cancelled'", "--to", "ndjson", "-q")
                .redirectInput(in.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).isEqualTo("{\"amount\":\"2\",\"quantity\":\"3\",\"status\":\"paid\",\"total\":\"6\"}\n");
    }

    /**
     * A .zst input to a .zst output through the launcher: on the test's JDK and, where one is
     * installed, on a JDK 23+ (which warns about sun.misc.Unsafe unless told not to), with nothing
     * on stderr but the summary.
     */
    @Test
    void zstdInAndOutThroughTheLauncherWithoutJvmWarnings() throws Exception {
        Path in = dir.resolve("in.csv.zst");
        try (var out = new io.airlift.compress.zstd.ZstdOutputStream(Files.newOutputStream(in))) {
            out.write("amount,quantity\n2,3\n4,5\n".getBytes(StandardCharsets.UTF_8));
        }
        List<String> jdks = new java.util.ArrayList<>(List.of(System.getProperty("java.home")));
        Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        if (Files.isExecutable(jdk25.resolve("bin/java"))) {
            jdks.add(jdk25.toString());
        }
        for (String jdk : jdks) {
            Path output = dir.resolve("out-" + jdks.indexOf(jdk) + ".csv.zst");
            ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toAbsolutePath().toString(), "run",
                    "-e", "row.total = row.amount * row.quantity", "-i", in.toString(), "-o", output.toString())
                    .redirectError(dir.resolve("stderr.txt").toFile());
            pb.environment().put("JAVA_HOME", jdk);
            Process p = pb.start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String stderr = Files.readString(dir.resolve("stderr.txt"));
            assertThat(p.exitValue()).as(stderr).isZero();
            assertThat(stderr).as(jdk).startsWith("flowengine: succeeded").doesNotContain("WARNING");
            try (var z = new io.airlift.compress.zstd.ZstdInputStream(Files.newInputStream(output))) {
                assertThat(new String(z.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("amount,quantity,total\n2,3,6\n4,5,20\n");
            }
        }
    }
}
