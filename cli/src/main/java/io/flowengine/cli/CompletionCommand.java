package io.flowengine.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flowengine completion bash|zsh}: a completion script for the shell, from picocli's
 * generator (one script serves both: under zsh it loads bash completion support).
 */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Prints a shell completion script: source <(flowengine completion bash), or add it to ~/.bashrc or ~/.zshrc.")
final class CompletionCommand implements Callable<Integer> {

    private final Main.Terminal terminal;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    CompletionCommand(Main.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new UsageException("completion is for bash or zsh, not " + shell);
        }
        CommandLine root = spec.commandLine().getParent();
        terminal.out().print(AutoComplete.bash("flowengine", root));
        terminal.out().flush();
        return Main.OK;
    }
}
