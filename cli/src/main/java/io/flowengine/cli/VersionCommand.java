package io.flowengine.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code flowengine version}: the same as {@code flowengine --version} (on stderr, as all help is). */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Prints FlowEngine's version and the Java it runs on.")
final class VersionCommand implements Callable<Integer> {

    private final Main.Terminal terminal;

    VersionCommand(Main.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
        for (String line : new Main.Version().getVersion()) {
            terminal.err().println(line);
        }
        return Main.OK;
    }
}
