package io.flowengine.internal.compiled;

import java.util.ArrayList;
import java.util.List;

/**
 * Tokens of the compiled subset. What the subset does not know (regular expressions, template
 * literals, numeric separators, unicode escapes in names) is refused with its position, and the
 * step stays on GraalJS. The text has passed GraalJS's parser already: it is valid JavaScript.
 */
final class Lexer {

    enum Type { NUMBER, STRING, NAME, PUNCT, TEMPLATE, END }

    /** A token; {@code newlineBefore} is true when a line break separates it from the one before. */
    record Token(Type type, String text, Object value, int offset, boolean newlineBefore) {
        boolean is(String punct) {
            return (type == Type.PUNCT || type == Type.NAME) && text.equals(punct);
        }
    }

    private static final String[] PUNCTS = {"===", "!==", "**=", "...", "??=", "&&=", "||=", ">>>", "<<=", ">>=",
        "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "+=", "-=", "*=", "/=", "%=", "++", "--", "=>", "**", "<<", ">>",
        "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", "=", ".", "&", "|", "^", "~"};

    private final String src;
    private int pos;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokens(String src) {
        Lexer l = new Lexer(src);
        List<Token> out = new ArrayList<>();
        Token t;
        do {
            t = l.next();
            out.add(t);
        } while (t.type() != Type.END);
        return out;
    }

    private Token next() {
        boolean newline = skipSpace();
        int start = pos;
        if (pos >= src.length()) {
            return new Token(Type.END, "", null, start, newline);
        }
        char c = src.charAt(pos);
        if (c == '"' || c == '\'') {
            return new Token(Type.STRING, src.substring(start, pos + 1), string(c), start, newline);
        }
        if (c == '`') {
            List<Object> parts = template();
            return new Token(Type.TEMPLATE, src.substring(start, pos), parts, start, newline);
        }
        if (isDigit(c) || c == '.' && pos + 1 < src.length() && isDigit(src.charAt(pos + 1))) {
            return number(start, newline);
        }
        if (Character.isJavaIdentifierStart(c) && c != '\\') {
            while (pos < src.length() && Character.isJavaIdentifierPart(src.charAt(pos)) && src.charAt(pos) != '\\') {
                pos++;
            }
            String name = src.substring(start, pos);
            for (int i = 0; i < name.length(); i++) {
                char n = name.charAt(i);
                if (!(n == '$' || n == '_' || n >= 'a' && n <= 'z' || n >= 'A' && n <= 'Z' || n >= '0' && n <= '9')) {
                    throw new NotCompiled("a name with characters beyond ASCII", start);
                }
            }
            return new Token(Type.NAME, name, null, start, newline);
        }
        for (String p : PUNCTS) {
            if (src.startsWith(p, pos)) {
                pos += p.length();
                return new Token(Type.PUNCT, p, null, start, newline);
            }
        }
        throw new NotCompiled("the character '" + c + "'", start);
    }

    /** Skips white space and comments; true when a line break was among them. */
    private boolean skipSpace() {
        boolean newline = false;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029) {
                newline = true;
                pos++;
            } else if (JsNumbers.isWhiteSpace(c)) {
                pos++;
            } else if (src.startsWith("//", pos)) {
                while (pos < src.length() && "\n\r\u2028\u2029".indexOf(src.charAt(pos)) < 0) {
                    pos++;
                }
            } else if (src.startsWith("/*", pos)) {
                int end = src.indexOf("*/", pos + 2);
                if (end < 0) {
                    throw new NotCompiled("an unclosed comment", pos);
                }
                String body = src.substring(pos, end);
                newline |= body.indexOf('\n') >= 0 || body.indexOf('\r') >= 0 || body.indexOf('\u2028') >= 0 || body.indexOf('\u2029') >= 0;
                pos = end + 2;
            } else {
                break;
            }
        }
        return newline;
    }

    /**
     * A template literal: its parts in order, each a {@link String} (the cooked text) or a
     * {@code List<Token>} (a substitution's tokens, ending with an END token).
     */
    private List<Object> template() {
        int start = pos;
        pos++;
        List<Object> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw new NotCompiled("an unclosed template literal", start);
            }
            char c = src.charAt(pos++);
            if (c == '\\') {
                if (pos < src.length() && (src.charAt(pos) == '`' || src.charAt(pos) == '$')) {
                    text.append(src.charAt(pos++));
                } else {
                    escape(text, start);
                }
            } else if (c == '`') {
                parts.add(text.toString());
                return parts;
            } else if (c == '\r') {
                // a line break in a template is \n, whatever the file holds
                text.append('\n');
                if (pos < src.length() && src.charAt(pos) == '\n') {
                    pos++;
                }
            } else if (c == '$' && pos < src.length() && src.charAt(pos) == '{') {
                pos++;
                parts.add(text.toString());
                text.setLength(0);
                List<Token> expr = new ArrayList<>();
                int depth = 1;
                while (true) {
                    Token t = next();
                    if (t.type() == Type.END) {
                        throw new NotCompiled("an unclosed template literal", start);
                    }
                    depth += t.is("{") ? 1 : t.is("}") ? -1 : 0;
                    if (depth == 0) {
                        expr.add(new Token(Type.END, "", null, t.offset(), false));
                        break;
                    }
                    expr.add(t);
                }
                parts.add(expr);
            } else {
                text.append(c);
            }
        }
    }

    private String string(char quote) {
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw new NotCompiled("an unclosed string", start);
            }
            char c = src.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\n' || c == '\r') {
                throw new NotCompiled("a line break in a string", start);
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            escape(sb, start);
        }
    }

    /** The escape after a backslash, appended to {@code sb}. */
    private void escape(StringBuilder sb, int start) {
        if (pos >= src.length()) {
            throw new NotCompiled("an unclosed string", start);
        }
        char e = src.charAt(pos++);
        switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'v' -> sb.append('\u000b');
            case '\\', '\'', '"' -> sb.append(e);
            case 'x' -> sb.append((char) hex(pos, 2, start));
            case 'u' -> sb.append((char) hex(pos, 4, start));
            case '0' -> {
                if (pos < src.length() && isDigit(src.charAt(pos))) {
                    throw new NotCompiled("an octal escape", start);
                }
                sb.append('\0');
            }
            default -> {
                if (isDigit(e) || e == '\n' || e == '\r' || e == 0x2028 || e == 0x2029) {
                    throw new NotCompiled("this escape in a string", start);
                }
                sb.append(e);
            }
        }
    }

    private int hex(int at, int digits, int start) {
        if (at + digits > src.length()) {
            throw new NotCompiled("this escape in a string", start);
        }
        int v = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(src.charAt(at + i), 16);
            if (d < 0 || src.charAt(at + i) > 'f') {
                throw new NotCompiled("this escape in a string", start);
            }
            v = v * 16 + d;
        }
        pos = at + digits;
        return v;
    }

    private Token number(int start, boolean newline) {
        if (src.charAt(pos) == '0' && pos + 1 < src.length() && Character.isLetterOrDigit(src.charAt(pos + 1))
                && src.charAt(pos + 1) != 'e' && src.charAt(pos + 1) != 'E') {
            throw new NotCompiled("a hexadecimal, octal, binary or legacy octal number", start);
        }
        while (pos < src.length() && isDigit(src.charAt(pos))) {
            pos++;
        }
        if (pos < src.length() && src.charAt(pos) == '.') {
            pos++;
            while (pos < src.length() && isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            while (pos < src.length() && isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == '_' || src.charAt(pos) == 'n' || Character.isJavaIdentifierPart(src.charAt(pos)))) {
            throw new NotCompiled("a numeric separator or BigInt", start);
        }
        String text = src.substring(start, pos);
        return new Token(Type.NUMBER, text, Double.parseDouble(text), start, newline);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
