package io.flowengine;

import java.util.Objects;

/**
 * A record that failed, with why and where.
 *
 * @param input the record as it was read (its columns and values), or null when it could not be
 *     parsed into one
 * @param rowNumber the 1-based data record number
 * @param line the 1-based physical line where the record starts
 * @param step the name of the step that failed ({@code source} for a malformed record,
 *     {@code sink} for a row that does not fit the output)
 * @param error what went wrong, in one line
 * @param raw the raw text of a record that could not be parsed, else ""
 */
public record DeadLetter(Row input, long rowNumber, long line, String step, String error, String raw) {
    public DeadLetter {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(error, "error");
        raw = raw == null ? "" : raw;
    }
}
