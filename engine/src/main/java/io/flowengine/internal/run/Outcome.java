package io.flowengine.internal.run;

import io.flowengine.DeadLetter;
import io.flowengine.Row;
import java.util.List;

/**
 * What the steps made of one chunk. {@code produced[i]} came from input row {@code from[i]};
 * failures are in record order.
 *
 * @param records input records of the chunk
 * @param filtered records dropped on purpose
 * @param filteredRows the row numbers of those records, ascending (the first {@code filtered} entries)
 */
public record Outcome(long seq, Row[] produced, Row[] from, int size, List<DeadLetter> failures,
        int records, int filtered, long[] filteredRows) {

    static final long[] NONE = new long[0];
}
