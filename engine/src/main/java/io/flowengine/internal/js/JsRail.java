package io.flowengine.internal.js;

import io.flowengine.Columns;
import io.flowengine.FlowEngineException;
import io.flowengine.Row;
import io.flowengine.internal.run.RowEdits;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * One rail's JavaScript: a sandboxed context with every step loaded, reused for every chunk the
 * rail processes. Single-threaded, like the context it owns: one chunk at a time.
 */
public final class JsRail implements Rail {

    private static final AtomicInteger OPEN = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private final ScriptSet scripts;
    private final Context context;
    private final Value api;
    private final Value run;
    private final Value state;
    private final Value newArray;
    private final Value zeros;
    private final Value stringify;
    private final Value string;
    private final Watchdog.Watch watch;
    private final RowProxy.ValueText text = this::text;
    /** How much of a thrown message a row error keeps. */
    static final int MAX_MESSAGE = 2000;
    private final RowEdits.ColumnCache columnCache = new RowEdits.ColumnCache();
    private int calls;
    /** The rows of the chunk in progress, for naming the record of a stuck script. */
    private volatile RowProxy[] current;
    private volatile boolean abandoned;
    /** Why the context was abandoned (set before {@code abandoned}). */
    private volatile FlowEngineException abandonedBecause;
    /** The thread running this rail's chunk now. */
    private volatile Thread runner;
    /** True while the runner is inside the guest call of a chunk. */
    private volatile boolean inGuest;
    /** A row ran out of memory in this context: it finishes its chunk, then is closed. */
    private boolean spent;
    private final Consumer<FlowEngineException> onAbandoned;
    /** The input file {@code ctx.file} says now. */
    private String file;

    JsRail(ScriptSet scripts, OutputStream console) {
        this(scripts, console, null);
    }

    /**
     * A rail; {@code onAbandoned} hears when a script could not be stopped and the rail was
     * given up (its thread may never return): the run must fail with that error.
     */
    JsRail(ScriptSet scripts, OutputStream console, Consumer<FlowEngineException> onAbandoned) {
        this.scripts = scripts;
        this.onAbandoned = onAbandoned;
        this.context = JsEngine.newContext(console);
        this.watch = Watchdog.watch(context, scripts.timeout(), this::stuck);
        OPEN.incrementAndGet();
        try {
            context.initialize("js");
            watch.begin(-1);
            this.newArray = context.eval("js", "(function(){ return []; })");
            this.zeros = context.eval("js", "(function(n){ return new Array(n).fill(0); })");
            // the global object's keys before any step code: what lockdown freezes
            Value builtinKeys = context.eval("js", "Reflect.ownKeys(globalThis)");
            Value steps = newArray.execute();
            Value names = newArray.execute();
            int i = 0;
            for (ScriptSet.Step step : scripts.steps()) {
                steps.setArrayElement(i, context.eval(step.source()));
                names.setArrayElement(i++, step.name());
            }
            ProxyExecutable clock = args -> System.nanoTime();
            this.api = context.eval(scripts.driver()).execute(steps, names, clock);
            api.getMember("lockdown").executeVoid(builtinKeys);
            this.run = api.getMember("run");
            this.stringify = api.getMember("stringify");
            this.string = api.getMember("string");
            this.state = context.eval("js", "({i: 0, step: -1, res: null, status: null, resume: false, nums: null, lines: null, file: null, ctx: null,"
                    + " timed: false, nanos: null, calls: null, start: 0, stop: 0})");
            Value vars = context.eval("js", "(function(v){ return JSON.parse(v); })").execute(scripts.varsJson());
            state.putMember("ctx", api.getMember("context").execute(state, vars));
            watch.end();
        } catch (PolyglotException e) {
            close();
            throw new FlowEngineException("cannot start the JavaScript steps: " + (e.isInterrupted()
                    ? "a script's top-level code ran longer than " + Math.max(scripts.timeout().toMillis(), Watchdog.SETUP_BUDGET.toMillis()) + " ms"
                    : e.getMessage()), e);
        }
    }

    /**
     * Runs {@code rows[from..to)} through every step, telling {@code results} what became of each
     * (indexes relative to {@code from}).
     */
    @Override
    public void process(Row[] rows, int from, int to, ScriptResults results) {
        RowProxy[] proxies = new RowProxy[to - from];
        for (int i = 0; i < proxies.length; i++) {
            proxies[i] = new RowProxy(rows[from + i], text);
        }
        run(proxies, 0, scripts.steps().size(), false, results);
    }

    /**
     * Runs steps {@code [start, stop)} only, on rows that earlier (compiled) steps have edited: a
     * row that is still the row itself after step {@code stop - 1} keeps its edits in place and is
     * {@linkplain ScriptResults#reached reached}, for the steps after to go on with; anything
     * else a step returned (a new object, an array) goes on through every later step here, and is
     * final. Indexes into {@code rows[0..count)}.
     */
    public void process(RowEdits[] rows, int count, int start, int stop, ScriptResults results) {
        RowProxy[] proxies = new RowProxy[count];
        for (int i = 0; i < count; i++) {
            proxies[i] = new RowProxy(rows[i], text);
        }
        run(proxies, start, stop, true, results);
    }

    private void run(RowProxy[] proxies, int start, int stop, boolean partial, ScriptResults results) {
        if (abandoned) {
            throw abandonedBecause;
        }
        current = proxies;
        runner = Thread.currentThread();
        boolean timed = prepare(start, stop);
        Value res = state.getMember("res");
        String status = drive(proxies, results);
        if (timed) {
            addTimings();
        }
        for (int i = 0; i < proxies.length; i++) {
            switch (status.charAt(i)) {
                case '0' -> results.filtered(i);
                case '1' -> {
                    if (partial) {
                        results.reached(i);
                    } else {
                        results.produced(i, proxies[i].toRow(columnCache));
                    }
                }
                case '2' -> decode(i, proxies[i].input(), res, results);
                default -> {
                    // 'e': failed, already reported
                }
            }
        }
    }

    /** Resets the driver's state for a chunk through steps {@code [start, stop)}; whether this chunk is timed. */
    private boolean prepare(int start, int stop) {
        state.putMember("i", 0);
        state.putMember("res", newArray.execute());
        state.putMember("status", newArray.execute());
        state.putMember("resume", false);
        state.putMember("start", start);
        state.putMember("stop", stop);
        StepTimings timings = scripts.timings();
        boolean timed = timings != null && calls++ % StepTimings.SAMPLE_EVERY == 0;
        state.putMember("timed", timed);
        if (timed) {
            state.putMember("nanos", zeros.execute(scripts.steps().size()));
            state.putMember("calls", zeros.execute(scripts.steps().size()));
        }
        return timed;
    }

    /**
     * Calls the driver until it has been through every row: a row whose script throws or runs out
     * of time is reported failed and the driver resumes after it. The status of each row.
     */
    private String drive(RowProxy[] proxies, ScriptResults results) {
        int count = proxies.length;
        StringBuilder numbers = new StringBuilder(count * 8);
        StringBuilder lines = new StringBuilder(count * 8);
        for (int i = 0; i < count; i++) {
            Row r = proxies[i].input();
            if (i > 0) {
                numbers.append(',');
                lines.append(',');
            }
            numbers.append(r.rowNumber());
            lines.append(r.line());
        }
        ProxyArray input = new Rows(proxies, watch);
        while (true) {
            try {
                inGuest = true;
                String status = run.execute(state, input, numbers.toString(), lines.toString(), count).asString();
                inGuest = false;
                watch.end();
                return status;
            } catch (PolyglotException e) {
                inGuest = false;
                watch.end();
                rowFailed(e, proxies, results);
            }
        }
    }

    /**
     * What to do when a call into the driver threw: a row's own failure is reported and the
     * driver resumes after it (or, for an interrupt meant for a row that had just finished, runs
     * it again); a failure of the engine itself fails the chunk.
     */
    private void rowFailed(PolyglotException e, RowProxy[] proxies, ScriptResults results) {
        if (abandoned) {
            throw abandonedBecause;
        }
        boolean exhausted = e.isResourceExhausted() && !e.isCancelled() && !e.isInternalError();
        if (!exhausted && (!e.isGuestException() && !e.isInterrupted() || e.isCancelled() || e.isResourceExhausted()
                || e.isInternalError())) {
            throw new FlowEngineException("the JavaScript engine failed: " + e.getMessage(), e);
        }
        if (exhausted) {
            // one row's allocation failed: that row fails, the chunk goes on, and this
            // context is not reused after the chunk
            spent = true;
        }
        int index = state.getMember("i").asInt();
        int step = Math.max(state.getMember("step").asInt(), 0);
        if (e.isInterrupted() && !watch.overdue(index)) {
            // meant for a row that had just finished: run this one again from the start
            watch.reset();
            proxies[index].reset();
            return;
        }
        watch.reset();
        results.failed(index, scripts.steps().get(step).name(), e.isInterrupted()
                ? "the script ran longer than " + scripts.timeout().toMillis() + " ms on this record"
                        + " (execution.scriptTimeout); make it faster or raise execution.scriptTimeout"
                : exhausted ? "the script ran out of memory on this record (" + e.getMessage() + ")."
                        + " Build smaller values: a string may hold at most " + JsEngine.MAX_STRING_LENGTH + " characters"
                : describe(e));
        state.putMember("resume", true);
    }

    /** Adds the driver's per-step times of a timed chunk to the pipeline's step timings. */
    private void addTimings() {
        Value nanos = state.getMember("nanos");
        Value stepCalls = state.getMember("calls");
        for (int s = 0; s < scripts.steps().size(); s++) {
            scripts.timings().add(s, nanos.getArrayElement(s).asLong(), stepCalls.getArrayElement(s).asLong());
        }
    }

    /** The chunk's rows as the driver sees them; fetching one starts its time budget. */
    private static final class Rows implements ProxyArray {
        private final RowProxy[] rows;
        private final Watchdog.Watch watch;

        Rows(RowProxy[] rows, Watchdog.Watch watch) {
            this.rows = rows;
            this.watch = watch;
        }

        @Override
        public Object get(long index) {
            watch.begin((int) index);
            return rows[(int) index];
        }

        @Override
        public void set(long index, Value value) {
            throw new UnsupportedOperationException("rows are read-only");
        }

        @Override
        public long getSize() {
            return rows.length;
        }
    }

    /**
     * Reads what came out of row {@code i} when it is not the input row itself. Reading runs
     * script code (getters, proxies, toJSON), so it is timed like the row and may fail like it;
     * the row's output is all or nothing.
     */
    private void decode(int i, Row input, Value res, ScriptResults results) {
        List<Row> out = new ArrayList<>();
        try {
            watch.begin(i);
            produced(input, res.getArrayElement(i), out);
            watch.end();
        } catch (PolyglotException e) {
            watch.end();
            watch.reset();
            if (e.isCancelled() || e.isResourceExhausted() || e.isInternalError()) {
                throw new FlowEngineException("the JavaScript engine failed: " + e.getMessage(), e);
            }
            results.failed(i, scripts.steps().get(scripts.steps().size() - 1).name(), e.isInterrupted()
                    ? "reading the row the script returned took longer than " + scripts.timeout().toMillis()
                            + " ms (execution.scriptTimeout)"
                    : "the row the script returned cannot be read: " + describe(e));
            return;
        }
        if (out.isEmpty()) {
            // [] returned, or every row it fanned out to was dropped by a later step
            results.filtered(i);
            return;
        }
        for (Row r : out) {
            results.produced(i, r);
        }
    }

    /** Something other than the input row came out of a row: an object, a proxy or an array. */
    private void produced(Row input, Value v, List<Row> out) {
        if (v.hasArrayElements()) {
            long n = v.getArraySize();
            for (long k = 0; k < n; k++) {
                produced(input, v.getArrayElement(k), out);
            }
            return;
        }
        if (v.isProxyObject() && v.asProxyObject() instanceof RowProxy p) {
            Row r = p.toRow(columnCache);
            out.add(Row.of(r.columns(), r.values().toArray(new String[0]), input.rowNumber(), input.line()));
            return;
        }
        Set<String> keySet = v.getMemberKeys();
        String[] keys = keySet.toArray(new String[0]);
        String[] values = new String[keys.length];
        for (int c = 0; c < keys.length; c++) {
            values[c] = text.of(v.getMember(keys[c]));
        }
        out.add(Row.of(columnCache.columns(keys, input.columns()), values, input.rowNumber(), input.line()));
    }

    /** A guest value as the string a row stores: String(v), with objects as JSON and null/undefined as "". */
    private String text(Value v) {
        if (v.isString()) {
            return v.asString();
        }
        if (v.isNull()) {
            return "";
        }
        if (v.isNumber() && v.fitsInInt()) {
            return Integer.toString(v.asInt());
        }
        if (v.isProxyObject() || (v.hasMembers() && !v.canExecute()) || v.hasArrayElements()) {
            Value json = stringify.execute(v);
            return json.isString() ? json.asString() : "";
        }
        // JavaScript's own String(v): 1e-7, -0 -> "0", 1.5e+21 (Java's formatting differs)
        return string.execute(v).asString();
    }

    private String describe(PolyglotException e) {
        String where = null;
        for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
            if (frame.isGuestFrame()) {
                SourceSection at = frame.getSourceLocation();
                where = scripts.locate(at);
                if (where != null) {
                    break;
                }
            }
        }
        return rowError(where, e.getMessage() == null ? "error" : e.getMessage());
    }

    /** A row's error as a dead letter shows it: "where: message", the message cut at {@link #MAX_MESSAGE} characters. */
    public static String rowError(String where, String message) {
        String m = message;
        if (m.length() > MAX_MESSAGE) {
            m = m.substring(0, MAX_MESSAGE) + "… (cut; the message has " + m.length() + " characters)";
        }
        return where == null ? m : where + ": " + m;
    }

    /**
     * Row {@code index} of the chunk in progress ran past its budget and the interrupt did not
     * take: the script defeats it. The context is given up (its cancellation runs on a thread of
     * its own, as it may never return) and the owner told, so that the run fails instead of
     * waiting for ever.
     */
    private void stuck(int index) {
        RowProxy[] rows = current;
        Row row = rows == null || index < 0 || index >= rows.length ? null : rows[index].input();
        List<String> names = scripts.stepNames();
        FlowEngineException e = new FlowEngineException((names.size() == 1 ? "step '" + names.get(0) + "'"
                : "one of the steps " + names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", ")))
                + " ran past execution.scriptTimeout (" + scripts.timeout().toMillis() + " ms)"
                + (row == null ? "" : " on record " + row.rowNumber() + " (line " + row.line() + ")")
                + " and could not be stopped: the script catches what stops it (for example a stack overflow"
                + " it catches to recurse again). The run was stopped. Fix the script's recursion or loop");
        abandonedBecause = e;
        abandoned = true;
        closeInBackground();
        stopRunner();
        if (onAbandoned != null) {
            onAbandoned.accept(e);
        }
    }

    /**
     * Frees the core the stuck script holds, where the JVM still can: Thread.stop works up to
     * JDK 19 (it throws ThreadDeath into the script, which its catch does not see). On newer JDKs
     * it is gone and the thread stays busy until the process ends; the run fails either way.
     */
    private void stopRunner() {
        Thread t = runner;
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        Method stop;
        try {
            stop = Thread.class.getMethod("stop");
        } catch (NoSuchMethodException e) {
            return;
        }
        // the script may catch a ThreadDeath that lands inside its own catch: try until one is not
        Thread stopper = new Thread(() -> {
            for (int attempt = 0; attempt < 200 && inGuest && runner == t; attempt++) {
                try {
                    stop.invoke(t);
                    Thread.sleep(50);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return; // UnsupportedOperationException on JDK 20+: nothing more can be done
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "flowengine-stop-script");
        stopper.setDaemon(true);
        stopper.start();
    }

    private void closeInBackground() {
        if (closed.compareAndSet(false, true)) {
            OPEN.decrementAndGet();
            watch.close();
            Thread t = new Thread(() -> {
                try {
                    context.close(true);
                } catch (RuntimeException e) {
                    // nothing more can be done for it
                }
            }, "flowengine-abandoned-context");
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    public void file(String name) {
        if (!java.util.Objects.equals(name, file)) {
            file = name;
            state.putMember("file", name);
        }
    }

    /** False once the context should not take another chunk (a row exhausted its memory). */
    @Override
    public boolean reusable() {
        return !spent && !abandoned;
    }

    /** JavaScript contexts open in this process now (every rail of every run). */
    public static int openContexts() {
        return OPEN.get();
    }

    /** Closes the context; one still running script code is cancelled without waiting for it. */
    @Override
    public void close() {
        if (watch.busy() || abandoned) {
            closeInBackground();
            return;
        }
        if (closed.compareAndSet(false, true)) {
            OPEN.decrementAndGet();
            watch.close();
            context.close(true);
        }
    }
}
