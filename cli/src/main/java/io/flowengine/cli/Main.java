package io.flowengine.cli;

import io.flowengine.FlowEngineException;
import io.flowengine.InvalidRequestException;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;
import reactor.core.publisher.Hooks;
import reactor.util.Loggers;

/**
 * {@code flowengine}: the command line. Exit codes, in one place ({@link #exitCode}): 0 success;
 * 1 the run failed; 2 invalid usage or an invalid pipeline. A command returns 0 or 1 for what it
 * did, and throws for anything else; {@link #execute} prints what was thrown and maps it here.
 */
@Command(name = "flowengine", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Streams CSV through JavaScript steps, as a pipeline file describes.",
        subcommands = {RunCommand.class, ValidateCommand.class, PreviewCommand.class, TestCommand.class, ServeCommand.class,
            InitCommand.class, VersionCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private final Terminal terminal;

    private Main(Terminal terminal) {
        this.terminal = terminal;
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces with errors.")
    void verbose(boolean verbose) {
        terminal.verbose(verbose);
    }

    /** The exit code for what a command threw. */
    static int exitCode(Throwable e) {
        return e instanceof PipelineValidationException || e instanceof UsageException || e instanceof InvalidRequestException
                || e instanceof CommandLine.ParameterException ? USAGE : FAILED;
    }

    /** Prints what a command threw: the problems, the message, or an internal error; a stack trace with --verbose. */
    private static int report(Terminal terminal, Exception e) {
        if (e instanceof PipelineValidationException invalid) {
            for (Problem p : invalid.problems()) {
                terminal.err().println(p);
            }
        } else if (e instanceof UsageException || e instanceof FlowEngineException) {
            terminal.err().println("flowengine: " + e.getMessage());
        } else {
            terminal.err().println("flowengine: internal error: " + e);
        }
        if (terminal.verbose() && !(e instanceof UsageException)) {
            e.printStackTrace(terminal.err());
        }
        return exitCode(e);
    }

    public static void main(String[] args) {
        // Reactor's fallback console logger writes INFO to stdout, which may carry the CSV: it logs
        // through java.util.logging instead, like SLF4J here (see Logs), on stderr.
        Loggers.useJdkLoggers();
        // an error that reaches an operator after its run has ended (a race between a failure and
        // the cancellation it causes) changes nothing: the run's outcome is already reported
        Hooks.onErrorDropped(e -> Logger.getLogger("flowengine.dropped")
                .fine(() -> "an error after the run had ended: " + e));
        boolean tty = Boolean.getBoolean("flowengine.stderr.tty");
        System.exit(execute(new Terminal(System.in, System.out, System.err, System.getenv(), tty), args));
    }

    /** Runs the CLI with explicit streams and environment; returns the exit code. */
    public static int execute(Terminal terminal, String... args) {
        Logs.configure(terminal.err(), new Logs.Options(), Logs.LogLevel.warn);
        CommandLine cli = commandLine(terminal);
        cli.setOut(new PrintWriter(terminal.err(), true));
        cli.setErr(new PrintWriter(terminal.err(), true));
        cli.setExitCodeExceptionMapper(Main::exitCode);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> report(terminal, e));
        return cli.execute(args);
    }

    /** The command tree, its commands bound to {@code terminal}. */
    static CommandLine commandLine(Terminal terminal) {
        return new CommandLine(new Main(terminal), new Factory(terminal));
    }

    /**
     * The process's streams and environment. stdout carries nothing but CSV when it is a run's
     * output; everything for people goes to stderr.
     */
    public static final class Terminal {
        private final InputStream in;
        private final PrintStream out;
        private final PrintStream err;
        private final Map<String, String> env;
        private final boolean stderrIsTerminal;
        private boolean verbose;

        public Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean stderrIsTerminal) {
            this.in = in;
            this.out = out;
            this.err = err;
            this.env = env;
            this.stderrIsTerminal = stderrIsTerminal;
        }

        public InputStream in() {
            return in;
        }

        public PrintStream out() {
            return out;
        }

        public PrintStream err() {
            return err;
        }

        public Map<String, String> env() {
            return env;
        }

        public boolean stderrIsTerminal() {
            return stderrIsTerminal;
        }

        boolean verbose() {
            return verbose;
        }

        void verbose(boolean v) {
            verbose = v;
        }
    }

    /** Hands the terminal to the subcommands. */
    private static final class Factory implements CommandLine.IFactory {
        private final Terminal terminal;

        Factory(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == RunCommand.class) {
                return cls.cast(new RunCommand(terminal));
            }
            if (cls == ValidateCommand.class) {
                return cls.cast(new ValidateCommand(terminal));
            }
            if (cls == PreviewCommand.class) {
                return cls.cast(new PreviewCommand(terminal));
            }
            if (cls == TestCommand.class) {
                return cls.cast(new TestCommand(terminal));
            }
            if (cls == ServeCommand.class) {
                return cls.cast(new ServeCommand(terminal));
            }
            if (cls == InitCommand.class) {
                return cls.cast(new InitCommand(terminal));
            }
            if (cls == VersionCommand.class) {
                return cls.cast(new VersionCommand(terminal));
            }
            if (cls == CompletionCommand.class) {
                return cls.cast(new CompletionCommand(terminal));
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"flowengine " + p.getProperty("version", "unknown"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
