package io.flowengine.internal.js;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;

/**
 * Enforces the per-row script budget: one daemon thread looks at every running context a few
 * times a second and interrupts one whose current row has run past its budget. An interrupted
 * context stays usable, so the rail goes on with the next row.
 *
 * <p>A script can defeat the interrupt: one that recurses until the stack overflows and catches
 * the overflow to recurse again always runs at the stack's limit, where the interrupt is lost
 * (GraalJS community edition; cancelling the context hangs the same way). When an interrupt has
 * not taken effect within {@link #INTERRUPT_WAIT}, the watch is declared stuck: its owner
 * abandons the context and fails the run, and the watchdog stops looking at it.
 */
final class Watchdog {

    private static final long TICK_MILLIS = 20;
    /** Top-level script code (index -1) runs once per context and includes parsing: it gets at least this. */
    static final Duration SETUP_BUDGET = Duration.ofSeconds(10);
    /** How long an interrupt may take before the context counts as stuck. */
    static final Duration INTERRUPT_WAIT = Duration.ofSeconds(3);
    private static final Set<Watch> WATCHES = ConcurrentHashMap.newKeySet();
    private static final long IDLE_NANOS = Duration.ofSeconds(1).toNanos();
    private static Thread thread;

    private Watchdog() {
    }

    /** Watches {@code context}; rows longer than {@code budget} are interrupted. */
    static Watch watch(Context context, Duration budget) {
        return watch(context, budget, null);
    }

    /** As above; {@code onStuck} is called (on the watchdog's thread) when an interrupt does not take. */
    static Watch watch(Context context, Duration budget, IntConsumer onStuck) {
        Watch w = new Watch(context, budget.toNanos(), onStuck);
        WATCHES.add(w);
        start();
        return w;
    }

    /** Starts the watchdog's thread unless it runs; it ends by itself once nothing is watched. */
    private static void start() {
        synchronized (Watchdog.class) {
            if (thread == null) {
                Thread t = new Thread(Watchdog::loop, "flowengine-script-watchdog");
                t.setDaemon(true);
                t.start();
                thread = t;
            }
        }
    }

    /**
     * Looks at every watch each tick; ends after a second with nothing to watch, so that no thread
     * of FlowEngine's outlives its runs (and the class loader they came from).
     */
    private static void loop() {
        long idleSince = 0;
        while (true) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                synchronized (Watchdog.class) {
                    thread = null;
                }
                return;
            }
            long now = System.nanoTime();
            for (Watch w : WATCHES) {
                w.check(now);
            }
            if (!WATCHES.isEmpty()) {
                idleSince = 0;
            } else if (idleSince == 0) {
                idleSince = now;
            } else if (now - idleSince > IDLE_NANOS) {
                synchronized (Watchdog.class) {
                    // a watch added before this check is seen here; one added after starts a new thread
                    if (WATCHES.isEmpty()) {
                        thread = null;
                        return;
                    }
                }
            }
        }
    }

    /** Whether the watchdog's thread is running (tests). */
    static boolean running() {
        return thread != null;
    }

    /** One context's current row: which, and since when. */
    static final class Watch implements AutoCloseable {
        private final Context context;
        private final long budget;
        private final long setupBudget;
        private volatile long startedAt;
        private volatile int index = -2;
        private volatile int overdue = -2;
        private final IntConsumer onStuck;

        Watch(Context context, long budget, IntConsumer onStuck) {
            this.onStuck = onStuck;
            this.context = context;
            this.budget = budget;
            this.setupBudget = Math.max(budget, SETUP_BUDGET.toNanos());
        }

        /** Row {@code index} (-1: the script's top-level code) starts now. */
        void begin(int index) {
            this.startedAt = System.nanoTime();
            this.index = index;
        }

        /** Nothing runs in the context now. */
        void end() {
            this.index = -2;
        }

        /** True while script code runs in the context. */
        boolean busy() {
            return index != -2;
        }

        /** True when the watchdog interrupted row {@code index} because it ran past the budget. */
        boolean overdue(int index) {
            return overdue == index;
        }

        void reset() {
            overdue = -2;
        }

        private void check(long now) {
            int i = index;
            if (i == -2 || now - startedAt <= (i == -1 ? setupBudget : budget) || index != i) {
                return;
            }
            overdue = i;
            try {
                context.interrupt(INTERRUPT_WAIT);
                if (index == i) {
                    index = -2;
                }
            } catch (TimeoutException e) {
                if (onStuck != null && index == i) {
                    WATCHES.remove(this);
                    onStuck.accept(i);
                }
            } catch (PolyglotException | IllegalStateException e) {
                // the context is busy in host code or closed: the next tick tries again, or close() ends it
            }
        }

        @Override
        public void close() {
            WATCHES.remove(this);
        }
    }
}
