package io.flowengine.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.flink.client.ClientUtils;
import org.apache.flink.client.deployment.executors.RemoteExecutor;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged job jars: submitted as {@code flink run} submits them (the client API, the jar in
 * {@code pipeline.jars}), the fat jar runs in Flink's child-first class loader; and their
 * manifests and service files are what a TaskManager needs.
 */
class PackagedJobIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FlinkTesting.cluster();

    static final Path TARGET = Path.of(System.getProperty("flowengine.flink.target", "target"));
    static final Path FAT = TARGET.resolve("flowengine-flink-job.jar");
    static final Path THIN = TARGET.resolve("flowengine-flink-job-thin.jar");

    @Test
    void theFatJarRunsInFlinksChildFirstClassLoaderAndGivesTheClisRows(@InjectClusterClient RestClusterClient<?> client,
            @TempDir Path tmp) throws Exception {
        OrdersData data = OrdersData.make(tmp, 5_000);
        Path out = tmp.resolve("out");
        Path dl = tmp.resolve("dead-letters");
        Path summary = tmp.resolve("summary.json");

        Configuration conf = new Configuration(client.getFlinkConfiguration());
        conf.set(DeploymentOptions.TARGET, RemoteExecutor.NAME);
        conf.set(DeploymentOptions.ATTACHED, true);
        // without it the job would run in the test's own class loader, and on a real cluster not at all
        conf.set(PipelineOptions.JARS, List.of(FAT.toUri().toURL().toString()));
        PackagedProgram program = PackagedProgram.newBuilder()
                .setJarFile(new File(FAT.toString()))
                .setConfiguration(conf)
                .setArguments("run", OrdersData.PIPELINE.toString(), "-i", data.input.toString(), "-o", out.toString(),
                        "--dead-letter", dl.toString(), "-p", "2", "--summary", summary.toString())
                .build();
        try {
            assertThat(program.getMainClassName()).isEqualTo("io.flowengine.flink.FlinkMain");
            // child-first: the jar's own copy of the classes, not the one on this test's class path
            Class<?> fromJar = Class.forName("io.flowengine.flink.FlinkMain", false, program.getUserCodeClassLoader());
            assertThat(fromJar).isNotSameAs(FlinkMain.class);
            assertThat(fromJar.getProtectionDomain().getCodeSource().getLocation().getPath()).endsWith("flowengine-flink-job.jar");
            ClientUtils.executeProgram(new DefaultExecutorServiceLoader(), conf, program, false, false);
        } finally {
            program.close();
        }

        assertThat(FlinkTesting.rowsOfParts(out, data.header(), StandardCharsets.UTF_8, ',')).isEqualTo(data.rows());
        assertThat(FlinkTesting.rowsOfParts(dl, data.deadLetterHeader(), StandardCharsets.UTF_8, ','))
                .isEqualTo(data.deadLetters());
        String json = Files.readString(summary);
        assertThat(json).contains("\"status\":\"succeeded\"", "\"rowsIn\":" + data.cli.rowsIn(), "\"rowsOut\":" + data.cli.rowsOut(),
                "\"rowsFiltered\":" + data.cli.rowsFiltered(), "\"rowsFailed\":" + data.cli.rowsFailed());
    }

    @Test
    void theFatJarIsMultiReleaseWithMergedServicesAndTheThinJarLeavesGraalJsToTheCluster() throws Exception {
        try (JarFile fat = new JarFile(FAT.toFile()); JarFile thin = new JarFile(THIN.toFile())) {
            Manifest m = fat.getManifest();
            // without it Truffle throws InternalError in a TaskManager, and Flink halts the TaskManager
            assertThat(m.getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
            assertThat(m.getMainAttributes().getValue("Main-Class")).isEqualTo("io.flowengine.flink.FlinkMain");
            assertThat(fat.getEntry("META-INF/versions/21/com/oracle/truffle/api/impl/JDKAccessor.class"))
                    .as("Truffle's versioned classes").isNotNull();
            String providers = new String(fat.getInputStream(fat.getEntry(
                    "META-INF/services/com.oracle.truffle.api.provider.TruffleLanguageProvider")).readAllBytes(),
                    StandardCharsets.UTF_8);
            // the JavaScript and regex languages' providers, merged from their jars into one file
            assertThat(providers).contains("com.oracle.truffle.js", "com.oracle.truffle.regex");
            assertThat(fat.getEntry("org/slf4j/Logger.class")).as("SLF4J is the cluster's").isNull();
            assertThat(thin.getEntry("io/flowengine/flink/FlinkMain.class")).isNotNull();
            assertThat(thin.getEntry("io/flowengine/internal/run/RunCore.class")).isNotNull();
            assertThat(thin.stream().filter(e -> e.getName().startsWith("org/graalvm/") || e.getName().startsWith("com/oracle/truffle/")))
                    .as("GraalJS goes in the cluster's lib/").isEmpty();
        }
    }
}
