package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.PipelineSpec.StepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

/**
 * The attack corpus: each script runs on record 2 of 3. Whatever it tries, it may fail its own
 * record and nothing else: the records around it come out unchanged, later records see intact
 * built-ins, nothing is read from or written to the host, and the JVM goes on.
 */
class SandboxTest {

    private static final Path PWNED = Path.of(System.getProperty("java.io.tmpdir"), "flowengine-pwned");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "row.x = String(Java.type('java.lang.System').exit(3))",
        "Java.type('java.lang.Runtime').getRuntime().exec('touch " + "/tmp/flowengine-pwned')",
        "Java.type('java.nio.file.Files').writeString(Java.type('java.nio.file.Path').of('/tmp/flowengine-pwned'), 'x')",
        "row.x = String(Packages.java.lang.System.exit(3))",
        "row.x = String(java.lang.System.exit(3))",
        "row.x = String(load('/etc/passwd'))",
        "print('to stdout')",
        "row.x = String(Polyglot.eval('js', '1'))",
        "row.x = String(Polyglot.import('x'))",
        "row.x = String(require('fs').readFileSync('/etc/passwd'))",
        "row.x = import('/etc/passwd')",
        "row.x = String(process.env.HOME)",
        "quit()",
        "exit(1)",
        "row.x = String(readFully('/etc/passwd'))",
        "row.x = String(readline())",
        "new Worker('x.js')",
        "setTimeout(() => 1, 0)",
        "new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))",
        "row.x = row.constructor.constructor('return this')().Java.type('java.io.File')",
        "row.x = eval('Java.type(\"java.lang.System\")')",
        "row.x = Function('return Packages.java.lang.Runtime')().getRuntime()",
        "Object.prototype.polluted = 'yes'",
        "Object.defineProperty(Object.prototype, 'polluted', { get() { return 'yes'; } })",
        "Array.prototype.map = function () { return []; }",
        "JSON.parse = () => 42",
        "globalThis.String = function () { return 'hacked'; }",
        "String.prototype.toUpperCase = () => 'hacked'",
        "(function f() { f(); })()",
        "row.x = 'x'.repeat(2 ** 31)",
        "while (true) {}",
        "{ const a = []; while (true) a.push(new Array(100000).fill(1)); }",
        "return { get a() { throw new Error('getter'); } }",
        "return { a: { toJSON() { while (true) {} } } }",
        "row.x = { toString() { while (true) {} } }",
        "return Symbol('s')",
        "row.x = Symbol('s')",
        "return new Proxy({}, { ownKeys() { throw new Error('trap'); } })",
        "return [row, 42]",
        "ctx.vars.secret = 'changed'; ctx.rowNumber = 99",
        "Object.getPrototypeOf(''[Symbol.iterator]()).next = function () { return { done: true }; }",
        "Object.getPrototypeOf([][Symbol.iterator]()).next = function () { return { done: true }; }",
        "Object.getPrototypeOf(Int8Array).prototype.map = () => 'hacked'",
        "Object.getPrototypeOf(function* () {}).prototype.next = () => ({ done: true })",
        "Object.getPrototypeOf(new Map().keys()).next = () => ({ done: true })",
        "Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}.prototype))[Symbol.asyncIterator] = null",
        "Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())).map = 1",
        "encodeURI = () => 'hacked'",
        "globalThis.escape = () => 'hacked'",
        "eval = () => 'hacked'",
        "console.log = () => { throw new Error('hacked'); }",
        "Object.defineProperty(globalThis, 'encodeURI', { value: () => 'hacked' })",
        "delete globalThis.JSON",
        "row.x = 'x'.repeat(2 ** 29)",
        "throw 'x'.repeat(10000000)",
        "Error.prototype.toString = () => 'hacked'",
        "Math.max = () => 0",
        "Promise.prototype.then = null",
    })
    void anAttackStaysInsideItsRecord(String attack) throws Exception {
        String script = "function transform(row, ctx) {\n"
                + "  if (row.n === '2') { " + attack + "; }\n"
                + "  row.ok = String(({}).polluted === undefined && JSON.parse('[1]').length === 1\n"
                + "      && [1].map(x => x + 1)[0] === 2 && String(1) === '1' && 'a'.toUpperCase() === 'A'\n"
                + "      && ctx.vars.secret === undefined && [...'abc'].length === 3 && [...[1, 2]].length === 2\n"
                + "      && new Int8Array([1, 2]).map(x => x * 2)[1] === 4 && [...(function* () { yield 1; })()].length === 1\n"
                + "      && [...new Map([[1, 2]]).keys()][0] === 1 && encodeURI(' ') === '%20' && escape(' ') === '%20'\n"
                + "      && eval('1 + 1') === 2 && console.log.name === 'log' && typeof JSON === 'object'\n"
                + "      && typeof Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}.prototype))[Symbol.asyncIterator] === 'function'\n"
                + "      && String(new Error('e')) === 'Error: e' && Math.max(1, 2) === 2 && typeof Promise.prototype.then === 'function');\n"
                + "  return row;\n"
                + "}";
        Pipeline p = Pipeline.of(PipelineSpec.of("sandbox", List.of(StepSpec.javascript("attack", script)))
                .withErrors(ErrorsSpec.of(ErrorPolicy.DEAD_LETTER))
                .withExecution(new ExecutionSpec(1, true, 10, 2, Duration.ofMillis(500))));
        PipelineRun run = p.newRun();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        run.deadLetters().subscribe(dead::add);
        List<Row> out = run.transform(Flux.range(1, 3).map(i -> Row.of(List.of("n"), List.of(Integer.toString(i)))))
                .collectList().block(Duration.ofSeconds(30));

        assertThat(out).filteredOn(r -> !r.get("n").equals("2"))
                .extracting(r -> r.get("n") + ":" + r.get("ok")).containsExactly("1:true", "3:true");
        assertThat(out).allSatisfy(r -> assertThat(r.toMap().toString()).doesNotContain("root:"));
        assertThat(dead).allSatisfy(d -> assertThat(d.rowNumber()).isEqualTo(2));
        assertThat(out.size() + dead.size()).as("record 2 is either out or dead-lettered").isGreaterThanOrEqualTo(3);
        assertThat(Files.exists(PWNED)).as("nothing written on the host").isFalse();
        RunSummary s = run.summary().block(Duration.ofSeconds(5));
        assertThat(s.succeeded()).isTrue();
        assertThat(s.rowsIn()).isEqualTo(s.rowsOut() + s.rowsFiltered() + s.rowsFailed());
    }
}
