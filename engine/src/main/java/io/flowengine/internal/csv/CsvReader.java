package io.flowengine.internal.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * A streaming RFC 4180 reader: quoted fields may hold delimiters, doubled quotes and line breaks;
 * records end with LF, CRLF or CR; empty lines are skipped. (Byte-order marks are the decoder's
 * business: see {@link DecodingReader}.)
 *
 * <p>Every record knows the physical line where it starts. A record that breaks the format comes
 * back with an error and its raw text rather than as an exception, so a caller can account for it
 * and go on: a character after a closing quote, a quote or a NUL inside an unquoted field, bytes
 * the decoder could not read (U+FFFD, counted by {@code decodeErrors}), a field longer than
 * {@code maxFieldChars}. A quote that never closes — before the end of the input or within
 * {@code maxRecordChars} — sets aside only the line where it opened; reading resumes on the next
 * line, so one stray quote cannot swallow the rest of a file. Memory is bounded by
 * {@code maxRecordChars} whatever the input.
 */
public final class CsvReader implements Closeable {

    private static final int BUFFER = 1 << 16;

    private final Reader in;
    private final char delimiter;
    private final char quote;
    private final int maxRecordChars;
    private final int maxFieldChars;
    private final LongSupplier decodeErrors;
    /** Characters above this are never special: the scanning loops test them once. */
    private final char maxSpecial;
    private final char[] buf = new char[BUFFER];
    private int pos;
    private int len;
    private boolean eof;
    private long line = 1;

    /** Text to read again before the input (after setting aside a line with an unclosed quote). */
    private String pushback;
    private int pushbackPos;

    /** Raw text of the current record that has scrolled out of the buffer. */
    private final StringBuilder carry = new StringBuilder();
    private int recordStart = -1;
    private final StringBuilder field = new StringBuilder();
    private String[] fields = new String[16];
    private int count;
    private String problem;
    /** Lines that start with it are skipped; -1: none. */
    private int comment = -1;

    /** Thrown inside a record that grew past {@code maxRecordChars}. */
    private static final class Overflow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Overflow() {
            super(null, null, false, false);
        }
    }

    private static final Overflow OVERFLOW = new Overflow();

    /**
     * @param maxFieldChars the longest field, as {@code source.maxFieldSize}
     * @param maxRecordChars the longest record, as {@code source.maxRecordSize}
     * @param decodeErrors how many byte sequences the decoder has replaced so far
     */
    public CsvReader(Reader in, char delimiter, char quote, int maxFieldChars, int maxRecordChars, LongSupplier decodeErrors) {
        this.in = in;
        this.delimiter = delimiter;
        this.quote = quote;
        this.maxRecordChars = maxRecordChars;
        this.maxFieldChars = maxFieldChars;
        this.decodeErrors = decodeErrors;
        this.maxSpecial = (char) Math.max(Math.max(delimiter, quote), '\r');
    }

    /** Skips lines that start with {@code c} (at the start of a record; not inside a quoted field). */
    public void comment(char c) {
        this.comment = c;
    }

    /** Skips {@code n} physical lines, whatever they hold (a preamble before the header); false if the input ends first. */
    public boolean skipLines(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            while (fill() && buf[pos] != '\n' && buf[pos] != '\r') {
                pos++;
            }
            if (!fill()) {
                return false;
            }
            newline();
        }
        return true;
    }

    /** The physical line the reader is on (1-based). */
    public long line() {
        return line;
    }

    /** The next record, or null at the end of the input. */
    public CsvRecord next() throws IOException {
        if (!skipEmptyLines()) {
            return null;
        }
        long startLine = line;
        recordStart = pos;
        carry.setLength(0);
        count = 0;
        problem = null;
        String error;
        try {
            error = record(startLine);
        } catch (Overflow o) {
            return setAside(startLine, "the record is longer than " + maxRecordChars
                    + " characters (source.maxRecordSize): is a quote left open on this line? The line was set"
                    + " aside and reading went on with the next one");
        } catch (Unclosed u) {
            return setAside(startLine, "unclosed quote: the quoted field opened on line " + startLine
                    + " does not close on that line as a field should. The line was set aside and reading went on with the next one;"
                    + " close the quote, or double quotes inside the field (\"\")");
        }
        if (error == null && decodeErrors.getAsLong() > 0 && containsReplacement()) {
            error = "the record holds bytes that are not valid in the input's encoding (shown as \uFFFD)."
                    + " Set source.encoding to the file's charset";
        }
        if (error == null) {
            error = problem;
        }
        if (error == null) {
            for (int f = 0; f < count; f++) {
                if (fields[f].length() > maxFieldChars) {
                    error = "field " + (f + 1) + " is " + fields[f].length() + " characters long, more than "
                            + maxFieldChars + " (source.maxFieldSize)";
                    break;
                }
            }
        }
        if (error != null) {
            String raw = stripLineEnd(raw());
            recordStart = -1;
            return new CsvRecord(null, startLine, error, raw);
        }
        recordStart = -1;
        return new CsvRecord(Arrays.copyOf(fields, count), startLine, null, null);
    }

    private static String stripLineEnd(String s) {
        int end = s.length();
        if (end > 0 && s.charAt(end - 1) == '\n') {
            end--;
        }
        if (end > 0 && s.charAt(end - 1) == '\r') {
            end--;
        }
        return s.substring(0, end);
    }

    /** Reads the fields of one record up to and including its line break; returns an error, or null. */
    private String record(long startLine) throws IOException {
        while (true) {
            if (fill() && buf[pos] == quote) {
                pos++;
                if (!quoted()) {
                    throw new Unclosed();
                }
                add(field.toString());
                field.setLength(0);
            } else {
                add(unquoted());
            }
            if (!fill()) {
                return null;
            }
            char c = buf[pos];
            if (c == delimiter) {
                pos++;
                if (!fill()) {
                    add("");
                    return null;
                }
                continue;
            }
            if (c != '\n' && c != '\r' && line > startLine) {
                // the "closing" quote is on a later line: most likely a quote was left open on the first
                throw new Unclosed();
            }
            if (c != '\n' && c != '\r') {
                String error = "unexpected character '" + printable(c) + "' after the closing quote of field " + count
                        + ". A quote inside a quoted field must be doubled (\"\")";
                while (fill() && buf[pos] != '\n' && buf[pos] != '\r') {
                    pos++;
                }
                endLine();
                return error;
            }
            newline();
            return null;
        }
    }

    /** A quote that is still open at the end of the input. */
    private static final class Unclosed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unclosed() {
            super(null, null, false, false);
        }
    }

    /**
     * Sets aside the line where the current record starts and reads on from the next one. The
     * text after that line is read again, as records of its own.
     */
    private CsvRecord setAside(long startLine, String error) throws IOException {
        String raw = raw();
        recordStart = -1;
        field.setLength(0);
        int cut = lineBreak(raw);
        String rest = "";
        if (cut < 0) {
            // one enormous line: drop the rest of it without keeping it
            while (fill() && buf[pos] != '\n' && buf[pos] != '\r') {
                pos++;
            }
        } else {
            int next = cut + (raw.charAt(cut) == '\r' && cut + 1 < raw.length() && raw.charAt(cut + 1) == '\n' ? 2 : 1);
            rest = raw.substring(next);
            raw = raw.substring(0, cut);
        }
        String unread = new String(buf, pos, len - pos);
        String remaining = pushback == null ? "" : pushback.substring(pushbackPos);
        pushback = rest + unread + remaining;
        pushbackPos = 0;
        pos = 0;
        len = 0;
        line = startLine;
        if (cut < 0) {
            endLine();
        } else {
            line = startLine + 1;
        }
        return new CsvRecord(null, startLine, error, raw);
    }

    private static int lineBreak(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
        }
        return -1;
    }

    private boolean containsReplacement() {
        for (int f = 0; f < count; f++) {
            if (fields[f].indexOf('\uFFFD') >= 0) {
                return true;
            }
        }
        return false;
    }

    private static String printable(char c) {
        return c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private void add(String value) {
        if (count == fields.length) {
            fields = Arrays.copyOf(fields, count * 2);
        }
        fields[count++] = value;
    }

    private boolean skipEmptyLines() throws IOException {
        while (fill()) {
            char c = buf[pos];
            if (c == '\n' || c == '\r') {
                newline();
            } else if (c == comment) {
                while (fill() && buf[pos] != '\n' && buf[pos] != '\r') {
                    pos++;
                }
                endLine();
            } else {
                return true;
            }
        }
        return false;
    }

    /** Consumes a line break at pos (LF, CRLF or CR), if there is one. */
    private void endLine() throws IOException {
        if (fill() && (buf[pos] == '\n' || buf[pos] == '\r')) {
            newline();
        }
    }

    /** Consumes a line break at pos (LF, CRLF or CR). */
    private void newline() throws IOException {
        char c = buf[pos++];
        if (c == '\r' && fill() && buf[pos] == '\n') {
            pos++;
        }
        line++;
    }

    private String unquoted() throws IOException {
        while (true) {
            int start = pos;
            int p = start;
            while (p < len) {
                char c = buf[p];
                if (c > maxSpecial) {
                    p++;
                    continue;
                }
                if (c == delimiter || c == '\n' || c == '\r') {
                    break;
                }
                if ((c == quote || c == 0) && problem == null) {
                    problem = c == 0
                            ? "field " + (count + 1) + " holds a NUL character: is this a binary file, or the wrong encoding?"
                            : "field " + (count + 1) + " is not quoted but holds a quote. Quote the whole field"
                                    + " and double the quotes inside it (\"\")";
                }
                p++;
            }
            pos = p;
            if (p < len && field.length() == 0) {
                return new String(buf, start, p - start);
            }
            field.append(buf, start, p - start);
            if (p < len || !fill()) {
                String value = field.toString();
                field.setLength(0);
                return value;
            }
        }
    }

    /** Reads a quoted field after its opening quote; false when the input ends before it closes. */
    private boolean quoted() throws IOException {
        boolean afterCr = false;
        while (true) {
            if (!fill()) {
                return false;
            }
            char c = buf[pos];
            if (c == quote) {
                pos++;
                if (fill() && buf[pos] == quote) {
                    field.append(quote);
                    pos++;
                    continue;
                }
                return true;
            }
            int start = pos;
            int p = pos;
            while (p < len) {
                c = buf[p];
                if (c > maxSpecial) {
                    p++;
                    continue;
                }
                if (c == quote) {
                    break;
                }
                if (c == '\r') {
                    line++;
                    afterCr = true;
                } else {
                    if (c == '\n' && !afterCr) {
                        line++;
                    }
                    afterCr = false;
                    if (c == 0 && problem == null) {
                        problem = "field " + (count + 1) + " holds a NUL character: is this a binary file, or the wrong encoding?";
                    }
                }
                p++;
            }
            field.append(buf, start, p - start);
            pos = p;
        }
    }

    private String raw() {
        if (recordStart >= 0 && pos > recordStart) {
            carry.append(buf, recordStart, pos - recordStart);
            recordStart = pos;
        }
        return carry.toString();
    }


    /** Makes sure buf[pos] is valid; false at end of input. */
    private boolean fill() throws IOException {
        if (pos < len) {
            return true;
        }
        if (recordStart >= 0) {
            carry.append(buf, recordStart, len - recordStart);
            recordStart = 0;
            if (carry.length() > maxRecordChars) {
                pos = len = 0;
                throw OVERFLOW;
            }
        }
        pos = 0;
        len = 0;
        if (pushback != null) {
            int n = Math.min(buf.length, pushback.length() - pushbackPos);
            if (n > 0) {
                pushback.getChars(pushbackPos, pushbackPos + n, buf, 0);
                pushbackPos += n;
                len = n;
                return true;
            }
            pushback = null;
        }
        if (eof) {
            return false;
        }
        int n;
        while ((n = in.read(buf, 0, buf.length)) == 0) {
            // a Reader may return 0; read again
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        len = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
