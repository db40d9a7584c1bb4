package io.flowengine.cli;

import io.flowengine.RunProgress;
import io.flowengine.RunSummary;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The progress line on a terminal's stderr (after the first second), and the summary line. */
final class Progress {

    private final RunProgress progress;
    private final PrintStream err;
    private final ScheduledExecutorService timer;
    private volatile boolean shown;

    Progress(RunProgress progress, PrintStream err) {
        this.progress = progress;
        this.err = err;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flowengine-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::show, 1, 1, TimeUnit.SECONDS);
    }

    private void show() {
        shown = true;
        synchronized (err) {
            err.print("\r" + line(progress) + "\u001b[K");
            err.flush();
        }
    }

    static String line(RunProgress p) {
        return line(p.rowsRead(), p.bytesRead(), p.totalBytes(), p.elapsedNanos());
    }

    /** The line for {@code rows} read, {@code bytes} of {@code totalBytes} (-1: unknown), after {@code elapsedNanos}. */
    static String line(long rows, long bytes, long totalBytes, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%,d rows, %,.0f rows/s", rows, rows / Math.max(seconds, 1e-3)));
        if (totalBytes > 0) {
            double fraction = Math.min(1.0, (double) bytes / totalBytes);
            sb.append(String.format(Locale.ROOT, ", %.0f%%", fraction * 100));
            if (fraction > 0.01) {
                long eta = Math.round(seconds / fraction - seconds);
                sb.append(String.format(Locale.ROOT, ", ETA %d:%02d", eta / 60, eta % 60));
            }
        }
        return sb.toString();
    }

    void stop() {
        timer.shutdownNow();
        if (shown) {
            synchronized (err) {
                err.print("\r\u001b[K");
                err.flush();
            }
        }
    }

    static String summaryLine(RunSummary s) {
        return "flowengine: " + s.line();
    }
}
