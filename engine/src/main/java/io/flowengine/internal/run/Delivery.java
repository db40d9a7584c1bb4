package io.flowengine.internal.run;

import io.flowengine.Row;
import java.util.List;
import java.util.function.Consumer;

/**
 * What became of one batch sent to an HTTP sink: delivered, or failed for good with its rows.
 *
 * @param attempts how many times it was sent
 */
public record Delivery(List<Item> items, Throwable failure, int attempts) {

    /** One row to send and the input record it came from. */
    public record Item(Row row, Row from) {
    }

    public boolean delivered() {
        return failure == null;
    }

    /** Hands the items of each input record (consecutive items with the same {@code from}) to {@code record}. */
    public void forEachRecord(Consumer<List<Item>> record) {
        int i = 0;
        while (i < items.size()) {
            int end = i + 1;
            while (end < items.size() && items.get(end).from() == items.get(i).from()) {
                end++;
            }
            record.accept(items.subList(i, end));
            i = end;
        }
    }
}
