package io.flowengine.internal.compiled;

import io.flowengine.Columns;
import io.flowengine.Row;
import io.flowengine.internal.compiled.Lexer.Token;
import io.flowengine.internal.compiled.Lexer.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Turns a step of the compiled subset into closures. A recursive-descent parser for that subset
 * only: anything else throws {@link NotCompiled} with what and where, and the step runs on
 * GraalJS. Names are resolved here, once: the closures index locals by slot.
 */
final class Parser {

    /** An expression: its value for one row. */
    interface Expr {
        Object eval(Frame f);
    }

    /** A statement: what it does to one row; returns one of the {@code NEXT}, {@code KEEP}, {@code DROP}. */
    interface Stmt {
        int exec(Frame f);
    }

    static final int NEXT = 0;
    static final int KEEP = 1;
    static final int DROP = 2;
    /** The step returned a new object, left in {@link Frame#result()}. */
    static final int OBJECT = 3;

    /** A compiled function body, with the number of local slots it needs. */
    record Body(Stmt[] statements, int locals) {
    }

    private static final Set<String> GLOBALS = Set.of("undefined", "NaN", "Infinity", "Number", "String", "Boolean",
            "Math", "isNaN", "isFinite", "parseInt", "parseFloat", "JSON", "Object", "Array", "Date", "RegExp", "globalThis",
            "console", "eval", "Function", "Symbol", "Reflect", "Proxy", "Promise", "Map", "Set", "Error", "TypeError",
            "RangeError", "BigInt", "Intl", "encodeURI", "encodeURIComponent", "decodeURI", "decodeURIComponent",
            "escape", "unescape", "arguments");

    /**
     * Words that may not name a binding (in strict code, the stricter rule; a superset is
     * harmless: such a step runs on GraalJS). Whatever this parser accepts must be valid
     * JavaScript, since a pipeline whose steps all compile is not parsed by GraalJS.
     */
    private static final Set<String> RESERVED = Set.of("break", "case", "catch", "class", "const", "continue", "debugger",
            "default", "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if",
            "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try",
            "typeof", "var", "void", "while", "with", "yield", "let", "static", "implements", "interface", "package",
            "private", "protected", "public", "await", "async", "of", "get", "set");

    /** The tokens being read: the step's, or for a while a template substitution's. */
    private List<Token> tokens;
    private int at;
    /** Whether this step is the pipeline's last: only the last may return a new object. */
    private boolean lastStep;
    /** "file:line:col" of an offset in the step's code, as GraalJS reports positions. */
    private IntFunction<String> positions = offset -> "?";
    private String rowName = "row";
    private String ctxName = "ctx";
    private final Map<String, Integer> locals = new HashMap<>();
    private final Map<String, Boolean> constant = new HashMap<>();
    private final Map<String, Object> topLevel = new HashMap<>();

    private Parser(String code) {
        this.tokens = Lexer.tokens(code);
    }

    /** A filter expression, as a closure. */
    static Expr filter(String code) {
        Parser p = new Parser(code);
        Expr e = p.expression();
        // no semicolon: the expression is wrapped in parentheses, where one is a syntax error
        p.expectEnd();
        return e;
    }

    /**
     * A script: top-level constants of literals and {@code function transform(row, ctx) {...}};
     * {@code last}: the pipeline's last step, which may return an object literal.
     */
    static Body transform(String code, boolean last, IntFunction<String> positions) {
        Parser p = new Parser(code);
        p.lastStep = last;
        p.positions = positions;
        Body body = null;
        while (!p.peek().type().equals(Type.END)) {
            if (p.accept(";")) {
                continue;
            }
            Token t = p.peek();
            if (t.is("const")) {
                p.next();
                p.topLevelConstant();
            } else if (t.is("function") && body == null) {
                body = p.function();
            } else {
                throw new NotCompiled(t.is("function") ? "a second function" : "top-level code other than constants", t.offset());
            }
        }
        if (body == null) {
            throw new NotCompiled("no function transform", 0);
        }
        return body;
    }

    private void topLevelConstant() {
        do {
            Token name = bindingName();
            if (GLOBALS.contains(name.text()) || topLevel.containsKey(name.text()) || name.text().equals("transform")) {
                throw new NotCompiled("a constant named '" + name.text() + "'", name.offset());
            }
            expect("=");
            Token lit = next();
            Object value;
            if (lit.type() == Type.NUMBER || lit.type() == Type.STRING) {
                value = lit.value();
            } else if (lit.is("-") && peek().type() == Type.NUMBER) {
                value = -(Double) next().value();
            } else if (lit.is("true") || lit.is("false")) {
                value = lit.is("true");
            } else {
                throw new NotCompiled("a top-level constant that is not a literal", lit.offset());
            }
            topLevel.put(name.text(), value);
        } while (accept(","));
        expectSemicolon();
    }

    private Body function() {
        Token fn = next();
        Token name = expectName();
        if (!name.text().equals("transform")) {
            throw new NotCompiled("a function other than transform", name.offset());
        }
        expect("(");
        List<String> params = new ArrayList<>();
        while (!accept(")")) {
            if (!params.isEmpty()) {
                expect(",");
            }
            params.add(bindingName().text());
        }
        if (params.size() > 2 || params.size() == 2 && params.get(0).equals(params.get(1))) {
            throw new NotCompiled("these parameters", fn.offset());
        }
        rowName = params.isEmpty() ? null : params.get(0);
        ctxName = params.size() < 2 ? null : params.get(1);
        expect("{");
        List<Stmt> body = new ArrayList<>();
        while (!accept("}")) {
            body.add(statement(true));
        }
        return new Body(body.toArray(new Stmt[0]), locals.size());
    }

    private Stmt statement(boolean topOfBody) {
        Token t = peek();
        if (t.is("{")) {
            next();
            List<Stmt> block = new ArrayList<>();
            while (!accept("}")) {
                block.add(statement(false));
            }
            Stmt[] stmts = block.toArray(new Stmt[0]);
            return f -> {
                for (Stmt s : stmts) {
                    int r = s.exec(f);
                    if (r != NEXT) {
                        return r;
                    }
                }
                return NEXT;
            };
        }
        if (t.is("const") || t.is("let")) {
            if (!topOfBody) {
                throw new NotCompiled("a declaration inside a block", t.offset());
            }
            next();
            return declaration(t.is("const"));
        }
        if (t.is("if")) {
            next();
            expect("(");
            Expr cond = expression();
            expect(")");
            Stmt then = statement(false);
            Stmt otherwise = accept("else") ? statement(false) : null;
            return otherwise == null
                    ? f -> Ops.truthy(cond.eval(f)) ? then.exec(f) : NEXT
                    : f -> Ops.truthy(cond.eval(f)) ? then.exec(f) : otherwise.exec(f);
        }
        if (t.is("return")) {
            next();
            if (accept(";") || peek().is("}")) {
                return f -> DROP;
            }
            if (peek().newlineBefore()) {
                throw new NotCompiled("a line break after return", t.offset());
            }
            if (peek().is("{")) {
                Token open = peek();
                if (!lastStep) {
                    throw new NotCompiled("an object returned by a step other than the last", open.offset());
                }
                Stmt ret = objectLiteral();
                expectSemicolon();
                return ret;
            }
            Token v = next();
            int result;
            if (rowName != null && v.type() == Type.NAME && v.text().equals(rowName) && !locals.containsKey(rowName)) {
                result = KEEP;
            } else if (v.is("null") || v.is("undefined") && !locals.containsKey("undefined")) {
                result = DROP;
            } else {
                throw new NotCompiled("a return of something other than the row, null or undefined", v.offset());
            }
            expectSemicolon();
            return f -> result;
        }
        if (t.is("delete")) {
            next();
            String column = rowMember();
            expectSemicolon();
            return f -> {
                f.row().delete(column);
                return NEXT;
            };
        }
        if (t.is(";")) {
            next();
            return f -> NEXT;
        }
        if (t.is("throw")) {
            next();
            if (peek().newlineBefore()) {
                throw new NotCompiled("a line break after throw", t.offset());
            }
            Stmt thrown;
            if (peek().is("new")) {
                thrown = newError();
            } else {
                // any other value: GraalJS runs the row again and reports it exactly as it would
                expression();
                thrown = f -> {
                    throw Ops.Fallback.INSTANCE;
                };
            }
            expectSemicolon();
            return thrown;
        }
        return assignment();
    }

    /**
     * {@code return {key: value, ...}}: a new row whose columns are the keys in JavaScript's
     * order (array indexes first, ascending, then the others as first written; a repeated key
     * keeps its first place and its last value), each value stored as String(v).
     */
    private Stmt objectLiteral() {
        expect("{");
        List<String> written = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!accept("}")) {
            Token key = next();
            String name;
            if (key.type() == Type.NAME || key.type() == Type.STRING) {
                name = key.type() == Type.NAME ? key.text() : (String) key.value();
            } else if (key.type() == Type.NUMBER) {
                name = JsNumbers.toString((Double) key.value());
            } else {
                throw new NotCompiled(key.is("...") ? "a spread in an object" : key.is("[") ? "a computed key" : "this object literal",
                        key.offset());
            }
            if (name.equals("__proto__")) {
                throw new NotCompiled("the key __proto__", key.offset());
            }
            if (key.type() == Type.NAME && (peek().is(",") || peek().is("}"))) {
                if (RESERVED.contains(name)) {
                    throw new NotCompiled("the shorthand '" + name + "'", key.offset());
                }
                values.add(name(key));
            } else {
                expect(":");
                values.add(expression());
            }
            written.add(name);
            if (!peek().is("}")) {
                expect(",");
            }
        }
        // where each key ends up
        List<String> keys = new ArrayList<>();
        for (String k : written) {
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }
        List<String> order = new ArrayList<>(keys.stream().filter(k -> Ops.arrayIndex(k) >= 0)
                .sorted(Comparator.comparingLong(Ops::arrayIndex)).toList());
        keys.stream().filter(k -> Ops.arrayIndex(k) < 0).forEach(order::add);
        int[] slot = new int[written.size()];
        for (int i = 0; i < slot.length; i++) {
            slot[i] = order.indexOf(written.get(i));
        }
        Expr[] exprs = values.toArray(new Expr[0]);
        Columns columns = Columns.of(order);
        return f -> {
            String[] out = new String[columns.size()];
            for (int i = 0; i < exprs.length; i++) {
                out[slot[i]] = Ops.stored(exprs[i].eval(f));
            }
            Row input = f.row().input();
            f.result(Row.of(columns, out, input.rowNumber(), input.line()));
            return OBJECT;
        };
    }

    /**
     * {@code throw new Error(message)} (or TypeError, RangeError): the row fails with the error
     * GraalJS reports, "file:line:col: Error: message", at the position of {@code new}. With no
     * message, or an empty one, the row runs on GraalJS instead.
     */
    private Stmt newError() {
        Token nw = next();
        Token type = expectName();
        if (!type.text().equals("Error") && !type.text().equals("TypeError") && !type.text().equals("RangeError")) {
            throw new NotCompiled("'new " + type.text() + "'", nw.offset());
        }
        List<Expr> args = arguments();
        if (args.size() != 1) {
            throw new NotCompiled("new " + type.text() + " with " + args.size() + " arguments", nw.offset());
        }
        Expr message = args.get(0);
        String where = positions.apply(nw.offset());
        String name = type.text();
        return f -> {
            Object v = message.eval(f);
            String text = v == Ops.UNDEFINED ? "" : Ops.toStr(v);
            if (text.isEmpty()) {
                throw Ops.Fallback.INSTANCE;
            }
            throw new Ops.Thrown(where, name + ": " + text);
        };
    }

    private Stmt declaration(boolean isConst) {
        List<Stmt> inits = new ArrayList<>();
        do {
            Token name = bindingName();
            if (locals.containsKey(name.text()) || name.text().equals(rowName) || name.text().equals(ctxName)
                    || GLOBALS.contains(name.text()) || topLevel.containsKey(name.text())) {
                throw new NotCompiled("a local that hides another name ('" + name.text() + "')", name.offset());
            }
            if (isConst && !peek().is("=")) {
                throw new NotCompiled("a const without a value", name.offset());
            }
            Expr init = accept("=") ? expression() : f -> Ops.UNDEFINED;
            int slot = locals.size();
            // declared after its initializer: `let x = x` stays outside the subset
            locals.put(name.text(), slot);
            constant.put(name.text(), isConst);
            inits.add(f -> {
                f.locals()[slot] = init.eval(f);
                return NEXT;
            });
        } while (accept(","));
        expectSemicolon();
        Stmt[] all = inits.toArray(new Stmt[0]);
        return all.length == 1 ? all[0] : f -> {
            for (Stmt s : all) {
                s.exec(f);
            }
            return NEXT;
        };
    }

    /** {@code row.x = e;}, {@code row.x += e;}, {@code local = e;} (and their compound forms). */
    private Stmt assignment() {
        Token start = peek();
        if (start.type() != Type.NAME) {
            throw new NotCompiled("this statement", start.offset());
        }
        String op;
        if (rowName != null && start.text().equals(rowName) && (peekAt(1).is(".") || peekAt(1).is("["))) {
            next();
            String column = memberName();
            op = assignOp();
            Expr value = expression();
            expectSemicolon();
            Expr rhs = compound(op, f -> {
                String v = f.row().get(column);
                return v == null ? Ops.UNDEFINED : v;
            }, value);
            return f -> {
                f.row().set(column, Ops.stored(rhs.eval(f)));
                return NEXT;
            };
        }
        Integer slot = locals.get(start.text());
        if (slot == null || constant.get(start.text()) || !(peekAt(1).type() == Type.PUNCT && peekAt(1).text().endsWith("="))) {
            throw new NotCompiled("this statement", start.offset());
        }
        next();
        op = assignOp();
        Expr value = expression();
        expectSemicolon();
        int s = slot;
        Expr rhs = compound(op, f -> f.locals()[s], value);
        return f -> {
            f.locals()[s] = rhs.eval(f);
            return NEXT;
        };
    }

    private String assignOp() {
        Token t = next();
        if (t.is("=") || t.is("+=") || t.is("-=") || t.is("*=") || t.is("/=") || t.is("%=")) {
            return t.text();
        }
        throw new NotCompiled("the operator '" + t.text() + "'", t.offset());
    }

    private static Expr compound(String op, Expr current, Expr value) {
        return switch (op) {
            case "=" -> value;
            case "+=" -> f -> Ops.add(current.eval(f), value.eval(f));
            default -> arithmetic(op.substring(0, 1), current, value);
        };
    }

    /** The column of {@code .x} or {@code ['x']} after the row's name. */
    private String memberName() {
        if (accept(".")) {
            return expectName().text();
        }
        Token open = next();
        Token key = next();
        if (!open.is("[") || key.type() != Type.STRING) {
            throw new NotCompiled("a computed column name", key.offset());
        }
        expect("]");
        return (String) key.value();
    }

    private String rowMember() {
        Token t = next();
        if (rowName == null || t.type() != Type.NAME || !t.text().equals(rowName)) {
            throw new NotCompiled("delete of something other than a column", t.offset());
        }
        return memberName();
    }

    Expr expression() {
        Expr cond = nullish();
        if (accept("?")) {
            Expr a = expression();
            expect(":");
            Expr b = expression();
            return f -> Ops.truthy(cond.eval(f)) ? a.eval(f) : b.eval(f);
        }
        return cond;
    }

    /** Whether the last {@link #or()} consumed a {@code ||} or {@code &&} of its own (not in parentheses). */
    private boolean logical;

    private Expr nullish() {
        Expr left = or();
        boolean mixed = logical;
        while (peek().is("??")) {
            Token op = next();
            Expr l = left;
            Expr r = or();
            if (mixed || logical) {
                // a ?? b || c is a syntax error: ?? does not mix with || or && unparenthesized
                throw new NotCompiled("?? beside || or && without parentheses", op.offset());
            }
            left = f -> {
                Object v = l.eval(f);
                return v == Ops.NULL || v == Ops.UNDEFINED ? r.eval(f) : v;
            };
        }
        return left;
    }

    private Expr or() {
        Expr left = and();
        boolean any = logical;
        while (accept("||")) {
            any = true;
            Expr l = left;
            Expr r = and();
            left = f -> {
                Object v = l.eval(f);
                return Ops.truthy(v) ? v : r.eval(f);
            };
        }
        logical = any;
        return left;
    }

    private Expr and() {
        Expr left = equality();
        boolean any = false;
        while (accept("&&")) {
            any = true;
            Expr l = left;
            Expr r = equality();
            left = f -> {
                Object v = l.eval(f);
                return Ops.truthy(v) ? r.eval(f) : v;
            };
        }
        logical = any;
        return left;
    }

    private Expr equality() {
        Expr left = relational();
        while (true) {
            Token t = peek();
            Expr l = left;
            if (t.is("===") || t.is("!==") || t.is("==") || t.is("!=")) {
                next();
                Expr r = relational();
                boolean strict = t.text().length() == 3;
                boolean negate = t.text().startsWith("!");
                left = f -> {
                    Object a = l.eval(f);
                    Object b = r.eval(f);
                    return (strict ? Ops.strictEquals(a, b) : Ops.looseEquals(a, b)) != negate;
                };
            } else {
                return left;
            }
        }
    }

    private Expr relational() {
        Expr left = additive();
        while (true) {
            Token t = peek();
            Expr l = left;
            if (t.is("<") || t.is(">") || t.is("<=") || t.is(">=")) {
                next();
                Expr r = additive();
                // a > b is b < a, a >= b is b <= a; both operands evaluated first, left to right
                boolean swap = t.text().startsWith(">");
                boolean orEqual = t.text().endsWith("=");
                left = f -> {
                    Object a = l.eval(f);
                    Object b = r.eval(f);
                    return swap ? Ops.less(b, a, orEqual) : Ops.less(a, b, orEqual);
                };
            } else if (t.is("in") || t.is("instanceof")) {
                throw new NotCompiled("the operator '" + t.text() + "'", t.offset());
            } else {
                return left;
            }
        }
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (true) {
            Token t = peek();
            Expr l = left;
            if (t.is("+")) {
                next();
                Expr r = multiplicative();
                left = f -> Ops.add(l.eval(f), r.eval(f));
            } else if (t.is("-")) {
                next();
                left = arithmetic("-", l, multiplicative());
            } else {
                return left;
            }
        }
    }

    private Expr multiplicative() {
        Expr left = unary();
        while (true) {
            Token t = peek();
            if (t.is("*") || t.is("/") || t.is("%")) {
                next();
                left = arithmetic(t.text(), left, unary());
            } else if (t.is("**")) {
                throw new NotCompiled("the operator '**'", t.offset());
            } else {
                return left;
            }
        }
    }

    private static Expr arithmetic(String op, Expr l, Expr r) {
        return switch (op) {
            case "-" -> f -> {
                // both operands are evaluated before either is converted, as in JavaScript
                Object a = l.eval(f);
                Object b = r.eval(f);
                return Ops.toNumber(a) - Ops.toNumber(b);
            };
            case "*" -> f -> {
                Object a = l.eval(f);
                Object b = r.eval(f);
                return Ops.toNumber(a) * Ops.toNumber(b);
            };
            case "/" -> f -> {
                Object a = l.eval(f);
                Object b = r.eval(f);
                return Ops.toNumber(a) / Ops.toNumber(b);
            };
            default -> f -> {
                Object a = l.eval(f);
                Object b = r.eval(f);
                return Ops.toNumber(a) % Ops.toNumber(b);
            };
        };
    }

    private Expr unary() {
        Token t = peek();
        if (t.is("!")) {
            next();
            Expr e = unary();
            return f -> !Ops.truthy(e.eval(f));
        }
        if (t.is("-")) {
            next();
            Expr e = unary();
            return f -> -Ops.toNumber(e.eval(f));
        }
        if (t.is("+")) {
            next();
            Expr e = unary();
            return f -> Ops.toNumber(e.eval(f));
        }
        if (t.is("typeof")) {
            next();
            Expr e = unary();
            return f -> Ops.typeOf(e.eval(f));
        }
        if (t.is("++") || t.is("--") || t.is("~") || t.is("void") || t.is("delete") || t.is("await")) {
            throw new NotCompiled("the operator '" + t.text() + "'", t.offset());
        }
        return postfix();
    }

    private Expr postfix() {
        Token start = peek();
        Expr e = primary();
        while (true) {
            Token t = peek();
            if (t.is(".")) {
                next();
                Token name = expectName();
                e = member(e, name, start);
            } else if (t.is("[") || t.is("(") || t.is("?.") || t.is("++") || t.is("--")) {
                throw new NotCompiled(t.is("(") ? "this call" : "'" + t.text() + "' here", t.offset());
            } else {
                return e;
            }
        }
    }

    /** {@code receiver.name} or {@code receiver.name(args)} on a string or number. */
    private Expr member(Expr receiver, Token name, Token start) {
        if (!peek().is("(")) {
            if (name.text().equals("length")) {
                return f -> (double) Ops.string(receiver.eval(f)).length();
            }
            throw new NotCompiled("the property '" + name.text() + "'", name.offset());
        }
        next();
        if (name.text().equals("toFixed")) {
            Token digits = next();
            if (digits.type() != Type.NUMBER || (Double) digits.value() != Math.rint((Double) digits.value())
                    || (Double) digits.value() > 100 || !peek().is(")")) {
                throw new NotCompiled("toFixed without a whole number of digits from 0 to 100", name.offset());
            }
            next();
            int d = (int) (double) (Double) digits.value();
            return f -> {
                if (!(receiver.eval(f) instanceof Double x)) {
                    throw Ops.Fallback.INSTANCE;
                }
                return JsNumbers.toFixed(x, d);
            };
        }
        List<Expr> args = new ArrayList<>();
        while (!accept(")")) {
            if (!args.isEmpty()) {
                expect(",");
            }
            args.add(expression());
        }
        int n = args.size();
        Expr a0 = n > 0 ? args.get(0) : f -> Ops.UNDEFINED;
        Expr a1 = n > 1 ? args.get(1) : f -> Ops.UNDEFINED;
        switch (name.text()) {
            case "toUpperCase":
                return arity(n, 0, 0, name, f -> Ops.checked(Ops.string(receiver.eval(f)).toUpperCase(Locale.ROOT)));
            case "toLowerCase":
                return arity(n, 0, 0, name, f -> Ops.checked(Ops.string(receiver.eval(f)).toLowerCase(Locale.ROOT)));
            case "toString":
                // a number's, a string's or a boolean's; on null or undefined JavaScript throws
                return arity(n, 0, 0, name, f -> {
                    Object v = receiver.eval(f);
                    if (v == Ops.NULL || v == Ops.UNDEFINED) {
                        throw Ops.Fallback.INSTANCE;
                    }
                    return Ops.toStr(v);
                });
            case "lastIndexOf":
                return arity(n, 1, 1, name, f -> (double) Ops.string(receiver.eval(f)).lastIndexOf(Ops.toStr(a0.eval(f))));
            case "padStart":
            case "padEnd": {
                boolean atStart = name.text().equals("padStart");
                return arity(n, 1, 2, name, f -> {
                    String str = Ops.string(receiver.eval(f));
                    return Ops.pad(str, a0.eval(f), a1.eval(f), atStart);
                });
            }
            case "repeat":
                return arity(n, 1, 1, name, f -> {
                    String str = Ops.string(receiver.eval(f));
                    return Ops.repeat(str, a0.eval(f));
                });
            case "replace":
            case "replaceAll": {
                boolean all = name.text().equals("replaceAll");
                return arity(n, 2, 2, name, f -> {
                    String str = Ops.string(receiver.eval(f));
                    return Ops.replace(str, a0.eval(f), a1.eval(f), all);
                });
            }
            case "split":
                return array(arity(n, 0, 2, name, f -> {
                    String str = Ops.string(receiver.eval(f));
                    return Ops.split(str, a0.eval(f), a1.eval(f));
                }), name);
            case "trim":
                return arity(n, 0, 0, name, f -> JsNumbers.trim(Ops.string(receiver.eval(f))));
            case "trimStart":
                return arity(n, 0, 0, name, f -> JsNumbers.trimStart(Ops.string(receiver.eval(f))));
            case "trimEnd":
                return arity(n, 0, 0, name, f -> JsNumbers.trimEnd(Ops.string(receiver.eval(f))));
            case "startsWith":
                return arity(n, 1, 1, name, f -> Ops.string(receiver.eval(f)).startsWith(Ops.toStr(a0.eval(f))));
            case "endsWith":
                return arity(n, 1, 1, name, f -> Ops.string(receiver.eval(f)).endsWith(Ops.toStr(a0.eval(f))));
            case "includes":
                return arity(n, 1, 1, name, f -> Ops.string(receiver.eval(f)).contains(Ops.toStr(a0.eval(f))));
            case "indexOf":
                return arity(n, 1, 1, name, f -> (double) Ops.string(receiver.eval(f)).indexOf(Ops.toStr(a0.eval(f))));
            case "slice":
                return arity(n, 0, 2, name, f -> {
                    String s = Ops.string(receiver.eval(f));
                    return Ops.slice(s, a0.eval(f), a1.eval(f));
                });
            case "substring":
                return arity(n, 0, 2, name, f -> {
                    String s = Ops.string(receiver.eval(f));
                    return Ops.substring(s, a0.eval(f), a1.eval(f));
                });
            case "charAt":
                return arity(n, 0, 1, name, f -> {
                    String s = Ops.string(receiver.eval(f));
                    return Ops.charAt(s, a0.eval(f));
                });
            default:
                throw new NotCompiled("the method '" + name.text() + "'", name.offset());
        }
    }

    /**
     * What follows an expression whose value is an array of strings ({@code split}): an element
     * ({@code [i]}), {@code length}, {@code join()}, {@code includes()}, {@code indexOf()}, or
     * {@code slice()} and more of the same. The array itself never becomes a value.
     */
    private Expr array(Expr array, Token where) {
        Token t = peek();
        if (t.is("[")) {
            next();
            Expr key = expression();
            expect("]");
            return f -> {
                String[] a = (String[]) array.eval(f);
                return Ops.element(a, key.eval(f));
            };
        }
        if (!t.is(".")) {
            throw new NotCompiled("an array used other than as [i], length, join, includes, indexOf or slice", where.offset());
        }
        next();
        Token m = expectName();
        if (m.text().equals("length") && !peek().is("(")) {
            return f -> (double) ((String[]) array.eval(f)).length;
        }
        expect("(");
        List<Expr> args = new ArrayList<>();
        while (!accept(")")) {
            if (!args.isEmpty()) {
                expect(",");
            }
            args.add(expression());
        }
        int n = args.size();
        Expr a0 = n > 0 ? args.get(0) : f -> Ops.UNDEFINED;
        Expr a1 = n > 1 ? args.get(1) : f -> Ops.UNDEFINED;
        switch (m.text()) {
            case "join":
                return arity(n, 0, 1, m, f -> {
                    String[] a = (String[]) array.eval(f);
                    return Ops.join(a, a0.eval(f));
                });
            case "includes":
                return arity(n, 1, 1, m, f -> {
                    String[] a = (String[]) array.eval(f);
                    return Ops.indexOf(a, a0.eval(f)) >= 0;
                });
            case "indexOf":
                return arity(n, 1, 1, m, f -> {
                    String[] a = (String[]) array.eval(f);
                    return Ops.indexOf(a, a0.eval(f));
                });
            case "slice":
                return array(arity(n, 0, 2, m, f -> {
                    String[] a = (String[]) array.eval(f);
                    return Ops.slice(a, a0.eval(f), a1.eval(f));
                }), m);
            default:
                throw new NotCompiled("the array method '" + m.text() + "'", m.offset());
        }
    }

    /** {@code e}, when the call has from {@code min} to {@code max} arguments; else the method is not compiled. */
    private static Expr arity(int n, int min, int max, Token name, Expr e) {
        if (n < min || n > max) {
            throw new NotCompiled(name.text() + " with " + n + " argument" + (n == 1 ? "" : "s"), name.offset());
        }
        return e;
    }

    private Expr primary() {
        Token t = next();
        switch (t.type()) {
            case NUMBER, STRING: {
                Object v = t.value();
                return f -> v;
            }
            case TEMPLATE:
                return template(t);
            case PUNCT:
                if (t.is("(")) {
                    boolean outer = logical;
                    Expr e = expression();
                    expect(")");
                    logical = outer;
                    return e;
                }
                throw new NotCompiled(t.is("/") ? "a regular expression" : t.is("[") ? "an array" : t.is("{") ? "an object literal"
                        : "'" + t.text() + "' here", t.offset());
            case NAME:
                return name(t);
            default:
                throw new NotCompiled("the end of the code here", t.offset());
        }
    }

    /** A template literal: its text with each substitution's value as String(v). */
    @SuppressWarnings("unchecked")
    private Expr template(Token t) {
        List<Object> pieces = new ArrayList<>();
        for (Object part : (List<Object>) t.value()) {
            if (part instanceof String text) {
                if (!text.isEmpty()) {
                    pieces.add(text);
                }
            } else {
                pieces.add(substitution((List<Token>) part));
            }
        }
        Object[] all = pieces.toArray();
        return f -> {
            StringBuilder sb = new StringBuilder();
            for (Object p : all) {
                sb.append(p instanceof String text ? text : Ops.toStr(((Expr) p).eval(f)));
                if (sb.length() > Ops.LONGEST) {
                    throw Ops.Fallback.INSTANCE;
                }
            }
            return sb.toString();
        };
    }

    /** The expression of a template's {@code ${...}}, in the scope of the code around it. */
    private Expr substitution(List<Token> sub) {
        List<Token> outer = tokens;
        int outerAt = at;
        tokens = sub;
        at = 0;
        try {
            Expr e = expression();
            expectEnd();
            return e;
        } finally {
            tokens = outer;
            at = outerAt;
        }
    }

    private Expr name(Token t) {
        String n = t.text();
        Integer slot = locals.get(n);
        if (slot != null) {
            int s = slot;
            return f -> f.locals()[s];
        }
        if (topLevel.containsKey(n)) {
            Object v = topLevel.get(n);
            return f -> v;
        }
        if (rowName != null && n.equals(rowName)) {
            if (peek().is(".") && peekAt(1).type() == Type.NAME && !peekAt(2).is("(") || peek().is("[")) {
                String column = memberName();
                return f -> {
                    String v = f.row().get(column);
                    return v == null ? Ops.UNDEFINED : v;
                };
            }
            throw new NotCompiled("the row used other than as row.column", t.offset());
        }
        if (ctxName != null && n.equals(ctxName)) {
            return context(t);
        }
        switch (n) {
            case "true":
                return f -> Boolean.TRUE;
            case "false":
                return f -> Boolean.FALSE;
            case "null":
                return f -> Ops.NULL;
            case "undefined":
                return f -> Ops.UNDEFINED;
            case "NaN":
                return f -> Double.NaN;
            case "Infinity":
                return f -> Double.POSITIVE_INFINITY;
            case "Number":
                if (peek().is(".")) {
                    return numberFunction();
                }
                return call1(t, a -> Ops.toNumber(a));
            case "String":
                return call1(t, Ops::toStr);
            case "Boolean":
                return call1(t, Ops::truthy);
            case "isNaN":
                return call1(t, a -> Double.isNaN(Ops.toNumber(a)));
            case "parseFloat":
                return parseFloat(t);
            case "parseInt":
                return parseInt(t);
            case "Math":
                return math(t);
            default:
                if (n.equals("new") && peek().type() == Type.NAME) {
                    throw new NotCompiled("'new " + peek().text() + "'", t.offset());
                }
                throw new NotCompiled("the name '" + n + "'", t.offset());
        }
    }

    private Expr parseFloat(Token t) {
        List<Expr> args = arguments();
        if (args.isEmpty()) {
            return f -> Double.NaN;
        }
        Expr a = args.get(0);
        return f -> Ops.parseFloat(Ops.toStr(a.eval(f)));
    }

    private Expr parseInt(Token t) {
        List<Expr> args = arguments();
        if (args.isEmpty()) {
            return f -> Double.NaN;
        }
        Expr a = args.get(0);
        Expr radix = args.size() > 1 ? args.get(1) : f -> Ops.UNDEFINED;
        return f -> {
            String str = Ops.toStr(a.eval(f));
            return Ops.parseInt(str, radix.eval(f));
        };
    }

    /** {@code (a, b, ...)}: a call's arguments. */
    private List<Expr> arguments() {
        expect("(");
        List<Expr> args = new ArrayList<>();
        while (!accept(")")) {
            if (!args.isEmpty()) {
                expect(",");
            }
            args.add(expression());
        }
        return args;
    }

    /**
     * {@code Number.isNaN(x)}, {@code Number.isFinite(x)}, {@code Number.isInteger(x)} (no
     * conversion); {@code Number.parseFloat} and {@code Number.parseInt}, the global functions.
     */
    private Expr numberFunction() {
        expect(".");
        Token fn = expectName();
        if (fn.text().equals("parseFloat")) {
            return parseFloat(fn);
        }
        if (fn.text().equals("parseInt")) {
            return parseInt(fn);
        }
        expect("(");
        Expr a = expression();
        expect(")");
        return switch (fn.text()) {
            case "isNaN" -> f -> a.eval(f) instanceof Double d && Double.isNaN(d);
            case "isFinite" -> f -> a.eval(f) instanceof Double d && !Double.isNaN(d) && !Double.isInfinite(d);
            case "isInteger" -> f -> a.eval(f) instanceof Double d && !Double.isInfinite(d) && d == Math.rint(d);
            default -> throw new NotCompiled("Number." + fn.text(), fn.offset());
        };
    }

    private Expr call1(Token t, Function<Object, Object> fn) {
        expect("(");
        if (accept(")")) {
            if (t.text().equals("Number")) {
                return f -> 0.0;
            }
            if (t.text().equals("String")) {
                return f -> "";
            }
            throw new NotCompiled(t.text() + "() without an argument", t.offset());
        }
        Expr a = expression();
        expect(")");
        return f -> fn.apply(a.eval(f));
    }

    private Expr math(Token t) {
        expect(".");
        Token fn = expectName();
        expect("(");
        List<Expr> args = new ArrayList<>();
        while (!accept(")")) {
            if (!args.isEmpty()) {
                expect(",");
            }
            args.add(expression());
        }
        if (fn.text().equals("min") || fn.text().equals("max")) {
            Expr[] a = args.toArray(new Expr[0]);
            boolean min = fn.text().equals("min");
            return f -> {
                double[] v = new double[a.length];
                for (int i = 0; i < a.length; i++) {
                    v[i] = Ops.toNumber(a[i].eval(f));
                }
                double r = min ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                for (double x : v) {
                    r = min ? Math.min(r, x) : Math.max(r, x);
                }
                return r;
            };
        }
        if (fn.text().equals("pow")) {
            // GraalJS squares for an exponent it holds as an int and calls Math.pow for one it
            // holds as a double: the result depends on how the engine represents the number
            throw new NotCompiled("Math.pow", fn.offset());
        }
        if (args.size() != 1) {
            throw new NotCompiled("Math." + fn.text() + " with " + args.size() + " arguments", fn.offset());
        }
        Expr a = args.get(0);
        DoubleUnaryOperator op = switch (fn.text()) {
            case "round" -> Ops::round;
            case "floor" -> Math::floor;
            case "ceil" -> Math::ceil;
            case "trunc" -> x -> x < 0 ? Math.ceil(x) : Math.floor(x);
            case "abs" -> Math::abs;
            case "sign" -> Math::signum;
            case "sqrt" -> Math::sqrt;
            default -> throw new NotCompiled("Math." + fn.text(), fn.offset());
        };
        return f -> op.applyAsDouble(Ops.toNumber(a.eval(f)));
    }

    /** {@code ctx.rowNumber}, {@code ctx.line}, {@code ctx.vars.x}, {@code ctx.vars['x']}. */
    private Expr context(Token t) {
        expect(".");
        Token member = expectName();
        switch (member.text()) {
            case "rowNumber":
                return f -> (double) f.rowNumber();
            case "line":
                return f -> (double) f.line();
            case "vars": {
                String name = memberName();
                return f -> {
                    String v = f.vars().get(name);
                    return v == null ? Ops.UNDEFINED : v;
                };
            }
            default:
                throw new NotCompiled("ctx." + member.text(), member.offset());
        }
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.type() != Type.END) {
            at++;
        }
        return t;
    }

    private boolean accept(String punct) {
        if (peek().is(punct)) {
            next();
            return true;
        }
        return false;
    }

    private void expect(String punct) {
        Token t = next();
        if (!t.is(punct)) {
            throw new NotCompiled("'" + t.text() + "' where the subset expects '" + punct + "'", t.offset());
        }
    }

    /**
     * The end of a statement: a semicolon, or where JavaScript inserts one (automatic semicolon
     * insertion): before a line break, a closing brace or the end of the code, when the next token
     * cannot go on with the statement. This parser has read as far as the statement can go, so
     * the next token cannot continue it in the subset; tokens that would continue it in
     * JavaScript beyond the subset ({@code (}, {@code [}, a template, {@code ?.}) were refused
     * before we get here, and no statement of the subset starts with one.
     */
    private void expectSemicolon() {
        Token t = peek();
        if (t.is(";")) {
            next();
            return;
        }
        if (t.newlineBefore() && t.type() != Type.TEMPLATE || t.is("}") || t.type() == Type.END) {
            return;
        }
        throw new NotCompiled("'" + t.text() + "' where the statement should end", t.offset());
    }

    /** A name that declares something: not a reserved word. */
    private Token bindingName() {
        Token t = expectName();
        if (RESERVED.contains(t.text())) {
            throw new NotCompiled("the name '" + t.text() + "'", t.offset());
        }
        return t;
    }

    private Token expectName() {
        Token t = next();
        if (t.type() != Type.NAME) {
            throw new NotCompiled("'" + t.text() + "' where a name belongs", t.offset());
        }
        return t;
    }

    private void expectEnd() {
        Token t = peek();
        if (t.type() != Type.END) {
            throw new NotCompiled("more code after the expression", t.offset());
        }
    }
}
