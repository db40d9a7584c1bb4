package io.flowengine.internal.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;

/**
 * A streaming RFC 4180 reader: quoted fields may hold delimiters, doubled quotes and line breaks;
 * records end with LF, CRLF or CR; empty lines are skipped; a leading byte-order mark is skipped.
 * Memory is bounded by {@code maxRecordChars}, whatever the input size.
 *
 * <p>Every record knows the physical line where it starts. A record that breaks the format (a
 * quote left open at the end of input, a character after a closing quote) comes back with an
 * error and its raw text rather than as an exception, so a caller can account for it and go on.
 */
public final class CsvReader implements Closeable {

    private static final int BUFFER = 1 << 16;

    private final Reader in;
    private final char delimiter;
    private final char quote;
    private final int maxRecordChars;
    private final char[] buf = new char[BUFFER];
    private int pos;
    private int len;
    private boolean eof;
    private long line = 1;

    /** Raw text of the current record that has scrolled out of the buffer. */
    private final StringBuilder carry = new StringBuilder();
    private int recordStart = -1;
    private final StringBuilder field = new StringBuilder();
    private String[] fields = new String[16];
    private int count;
    private boolean first = true;

    public CsvReader(Reader in, char delimiter, char quote, int maxRecordChars) {
        this.in = in;
        this.delimiter = delimiter;
        this.quote = quote;
        this.maxRecordChars = maxRecordChars;
    }

    /** The physical line the reader is on (1-based). */
    public long line() {
        return line;
    }

    /** The next record, or null at the end of the input. */
    public CsvRecord next() throws IOException {
        if (first) {
            first = false;
            if (fill() && buf[pos] == '\uFEFF') {
                pos++;
            }
        }
        if (!skipEmptyLines()) {
            return null;
        }
        long startLine = line;
        recordStart = pos;
        carry.setLength(0);
        count = 0;
        String error = null;
        while (true) {
            if (fill() && buf[pos] == quote) {
                pos++;
                error = quoted(startLine);
                if (error != null) {
                    break;
                }
                add(field.toString());
                field.setLength(0);
            } else {
                add(unquoted());
            }
            if (!fill()) {
                break;
            }
            char c = buf[pos];
            if (c == delimiter) {
                pos++;
                if (!fill()) {
                    add("");
                    break;
                }
                continue;
            }
            if (c != '\n' && c != '\r') {
                error = "unexpected character '" + c + "' after the closing quote of field " + count
                        + ". A quote inside a quoted field must be doubled (\"\")";
                while (fill() && buf[pos] != '\n' && buf[pos] != '\r') {
                    pos++;
                }
                break;
            }
            newline();
            break;
        }
        if (error != null) {
            String raw = raw();
            if (fill()) {
                newline();
            }
            field.setLength(0);
            recordStart = -1;
            return new CsvRecord(null, startLine, error, raw);
        }
        recordStart = -1;
        return new CsvRecord(Arrays.copyOf(fields, count), startLine, null, null);
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
            } else {
                return true;
            }
        }
        return false;
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
                if (c == delimiter || c == '\n' || c == '\r') {
                    break;
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

    /** Reads a quoted field after its opening quote; returns an error, or null. */
    private String quoted(long startLine) throws IOException {
        boolean afterCr = false;
        while (true) {
            if (!fill()) {
                return "unclosed quote: the quoted field opened on line " + startLine
                        + " never ends. Close it, or double quotes inside it (\"\")";
            }
            char c = buf[pos];
            if (c == quote) {
                pos++;
                if (fill() && buf[pos] == quote) {
                    field.append(quote);
                    pos++;
                    continue;
                }
                return null;
            }
            int start = pos;
            int p = pos;
            while (p < len) {
                c = buf[p];
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
        if (eof) {
            return false;
        }
        if (recordStart >= 0) {
            carry.append(buf, recordStart, len - recordStart);
            if (carry.length() > maxRecordChars) {
                throw new CsvFormatException(line, "a record longer than " + maxRecordChars
                        + " characters: is a quote left open? Check the quoting near this line.");
            }
            recordStart = 0;
        }
        pos = 0;
        len = 0;
        int n;
        while ((n = in.read(buf, 0, buf.length)) == 0) {
            // a Reader may return 0; read again
        }
        if (n < 0) {
            eof = true;
            if (recordStart >= 0) {
                recordStart = 0;
            }
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
