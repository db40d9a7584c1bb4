package io.flowengine.internal.js;

import java.io.OutputStream;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.io.IOAccess;

/**
 * The one GraalJS {@link Engine} of the process, shared by every context so that parsed code and
 * its profiles are shared too, and the sandbox every context gets.
 *
 * <p>Create it off non-blocking threads: its first use reads the language from jar files.
 */
public final class JsEngine {

    private static volatile Engine shared;
    /** The longest string a script may build, in UTF-16 units (64 MiB of chars). */
    public static final int MAX_STRING_LENGTH = 1 << 25;

    private JsEngine() {
    }

    /** The shared engine, created on first use. */
    public static Engine shared() {
        Engine e = shared;
        if (e == null) {
            synchronized (JsEngine.class) {
                e = shared;
                if (e == null) {
                    e = Engine.newBuilder("js")
                            .option("engine.WarnInterpreterOnly", "false")
                            .build();
                    shared = e;
                }
            }
        }
        return e;
    }

    /**
     * Closes the shared engine, if there is one, cancelling any context still running on it; the
     * next use makes a new one. For a host whose class loader goes away while the JVM stays (a
     * Flink job on a session cluster): GraalJS's engine holds that loader until it is closed.
     */
    public static void closeShared() {
        Engine e;
        synchronized (JsEngine.class) {
            e = shared;
            shared = null;
        }
        if (e != null) {
            e.close(true);
        }
    }

    /**
     * How JavaScript runs in this JVM: "interpreted", or "optimizing (GraalVM CE)" when the Graal
     * compiler is available (JDK 25 with the compiler jars; see the launcher's FLOWENGINE_JIT).
     */
    public static String runtime() {
        String name = shared().getImplementationName();
        return "Interpreted".equals(name) ? "interpreted" : "optimizing (" + name + ")";
    }

    /**
     * A new sandboxed context: no Java classes or host objects, no files, network, processes,
     * threads, environment or other languages; no {@code load}, {@code print}, {@code Java},
     * {@code Graal}, {@code Polyglot} or {@code arguments} globals: only ECMAScript's and
     * {@code console}. Strings are limited to {@link #MAX_STRING_LENGTH}.
     * Console output goes to {@code console}.
     */
    public static Context newContext(OutputStream console) {
        return Context.newBuilder("js")
                .engine(shared())
                .allowHostAccess(HostAccess.NONE)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowExperimentalOptions(true)
                .option("js.load", "false")
                .option("js.print", "false")
                .option("js.java-package-globals", "false")
                .option("js.polyglot-builtin", "false")
                .option("js.graal-builtin", "false")
                .option("js.global-arguments", "false")
                // one row's string cannot take the JVM's heap: past this, a RangeError fails that row
                .option("js.string-length-limit", Integer.toString(MAX_STRING_LENGTH))
                .out(console)
                .err(console)
                .build();
    }
}
