package io.flowengine.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * Writes the man page {@code flowengine.1} from the commands' own help (the build runs it into
 * {@code cli/target/man/}), so the page and {@code --help} never disagree.
 * Usage: {@code ManPage OUTDIR}; read it with {@code man cli/target/man/flowengine.1}.
 */
public final class ManPage {

    private ManPage() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        Files.writeString(dir.resolve("flowengine.1"), page(), StandardCharsets.UTF_8);
    }

    static String page() {
        Main.Terminal t = new Main.Terminal(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), Map.of(), false);
        CommandLine root = Main.commandLine(t);
        StringBuilder roff = new StringBuilder();
        roff.append(".TH FLOWENGINE 1 \"").append(LocalDate.now()).append("\" \"flowengine\" \"User Commands\"\n");
        roff.append(".SH NAME\nflowengine \\- ").append(escape(String.join(" ", root.getCommandSpec().usageMessage().description())))
                .append('\n');
        roff.append(".SH SYNOPSIS\n");
        block(roff, root.getUsageMessage(Ansi.OFF));
        roff.append(".SH COMMANDS\n");
        for (Map.Entry<String, CommandLine> sub : root.getSubcommands().entrySet()) {
            if (sub.getKey().equals("help")) {
                continue;
            }
            roff.append(".SS ").append(escape(sub.getKey())).append('\n');
            block(roff, sub.getValue().getUsageMessage(Ansi.OFF));
        }
        roff.append(".SH EXIT STATUS\n0 success; 1 the run failed (or a test failed); 2 invalid usage or an invalid pipeline.\n");
        roff.append(".SH SEE ALSO\nThe documentation in docs/ of the FlowEngine repository: cli.md, pipeline-file.md, http-api.md.\n");
        return roff.toString();
    }

    /** Preformatted text, escaped for roff. */
    private static void block(StringBuilder roff, String text) {
        roff.append(".nf\n");
        for (String line : text.split("\n", -1)) {
            String l = escape(line);
            roff.append(l.startsWith(".") || l.startsWith("'") ? "\\&" + l : l).append('\n');
        }
        roff.append(".fi\n");
    }

    private static String escape(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }
}
