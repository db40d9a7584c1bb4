package io.flowengine.internal.run;

import io.flowengine.DeadLetter;
import io.flowengine.Row;
import java.util.List;

/**
 * A slice of input records, numbered so that output order can be restored: the rows that parsed
 * and the records that did not (already failures).
 *
 * @param records how many input records this chunk covers (rows plus malformed)
 */
public record Chunk(long seq, Row[] rows, int size, List<DeadLetter> malformed, int records) {
}
