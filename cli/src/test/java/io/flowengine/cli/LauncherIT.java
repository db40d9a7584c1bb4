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
}
