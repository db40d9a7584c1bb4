package io.flowengine.internal.js;

import io.flowengine.Columns;
import io.flowengine.FlowEngineException;
import io.flowengine.Row;
import java.io.OutputStream;
import java.util.IdentityHashMap;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * One rail's JavaScript: a sandboxed context with every step loaded, reused for every chunk the
 * rail processes. Single-threaded, like the context it owns: one chunk at a time.
 */
public final class JsRail implements AutoCloseable {

    private final ScriptSet scripts;
    private final Context context;
    private final Value api;
    private final Value run;
    private final Value state;
    private final Value newArray;
    private final Map<Columns, Value> headers = new IdentityHashMap<>();
    private Columns lastColumns;

    JsRail(ScriptSet scripts, OutputStream console) {
        this.scripts = scripts;
        this.context = JsEngine.newContext(console);
        try {
            this.newArray = context.eval("js", "(function(){ return []; })");
            Value steps = newArray.execute();
            Value names = newArray.execute();
            int i = 0;
            for (ScriptSet.Step step : scripts.steps()) {
                steps.setArrayElement(i, context.eval(step.source()));
                names.setArrayElement(i++, step.name());
            }
            this.api = context.eval(scripts.driver()).execute(steps, names);
            this.run = api.getMember("run");
            this.state = context.eval("js", "(function(vars){ return {i: 0, mark: 0, step: -1, out: null, resume: false,"
                    + " ctx: {rowNumber: 0, line: 0, vars: Object.freeze(JSON.parse(vars))}}; })")
                    .execute(scripts.varsJson());
        } catch (PolyglotException e) {
            context.close();
            throw new FlowEngineException("cannot start the JavaScript steps: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code rows[from..to)}, which share one set of columns, through every step, telling
     * {@code results} what became of each (indexes relative to {@code from}).
     */
    public void process(Row[] rows, int from, int to, ScriptResults results) {
        int count = to - from;
        Columns columns = rows[from].columns();
        int width = columns.size();
        String[] values = new String[count * width];
        Long[] numbers = new Long[count];
        Long[] lines = new Long[count];
        for (int i = 0; i < count; i++) {
            Row r = rows[from + i];
            for (int c = 0; c < width; c++) {
                values[i * width + c] = r.get(c);
            }
            numbers[i] = r.rowNumber();
            lines[i] = r.line();
        }
        Value header = headers.computeIfAbsent(columns, this::header);
        Value out = newArray.execute();
        state.putMember("i", 0);
        state.putMember("out", out);
        state.putMember("resume", false);
        ProxyArray vals = ProxyArray.fromArray((Object[]) values);
        ProxyArray nums = ProxyArray.fromArray((Object[]) numbers);
        ProxyArray lns = ProxyArray.fromArray((Object[]) lines);
        boolean[] failed = new boolean[count];
        while (true) {
            try {
                run.execute(state, header, vals, nums, lns, count);
                break;
            } catch (PolyglotException e) {
                if (!e.isGuestException() || e.isCancelled() || e.isInterrupted() || e.isResourceExhausted()
                        || e.isInternalError()) {
                    throw new FlowEngineException("the JavaScript engine failed: " + e.getMessage(), e);
                }
                int index = state.getMember("i").asInt();
                int step = state.getMember("step").asInt();
                failed[index] = true;
                results.failed(index, scripts.steps().get(Math.max(step, 0)).name(), describe(e));
                state.putMember("resume", true);
            }
        }
        decode(rows, from, count, out, failed, results);
    }

    private void decode(Row[] rows, int from, int count, Value out, boolean[] failed, ScriptResults results) {
        long size = out.getArraySize();
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (failed[i]) {
                continue;
            }
            if (k >= size) {
                throw new FlowEngineException("internal error: the JavaScript driver returned too few results");
            }
            int produced = out.getArrayElement(k++).asInt();
            if (produced == 0) {
                results.filtered(i);
                continue;
            }
            Row input = rows[from + i];
            for (int p = 0; p < produced; p++) {
                int n = out.getArrayElement(k++).asInt();
                String[] keys = new String[n];
                String[] values = new String[n];
                for (int c = 0; c < n; c++) {
                    keys[c] = out.getArrayElement(k++).asString();
                    values[c] = out.getArrayElement(k++).asString();
                }
                results.produced(i, Row.of(columns(keys, input.columns(), values), values,
                        input.rowNumber(), input.line()));
            }
        }
    }

    /** The columns for {@code keys}, reusing the last ones when they match. */
    private Columns columns(String[] keys, Columns input, String[] values) {
        Columns last = lastColumns;
        if (last != null && sameNames(last, keys)) {
            return last;
        }
        if (sameNames(input, keys)) {
            lastColumns = input;
            return input;
        }
        Columns c = Columns.of(keys);
        lastColumns = c;
        return c;
    }

    private static boolean sameNames(Columns columns, String[] keys) {
        if (columns.size() != keys.length) {
            return false;
        }
        for (int i = 0; i < keys.length; i++) {
            if (!columns.name(i).equals(keys[i])) {
                return false;
            }
        }
        return true;
    }

    private Value header(Columns columns) {
        return api.getMember("header").execute(ProxyArray.fromArray(columns.names().toArray()));
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
        String message = e.getMessage() == null ? "error" : e.getMessage();
        return where == null ? message : where + ": " + message;
    }

    @Override
    public void close() {
        context.close(true);
    }
}
