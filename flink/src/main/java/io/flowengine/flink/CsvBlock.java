package io.flowengine.flink;

/**
 * Formatted CSV on its way to a part file: the rows of one chunk, and the header every part file
 * starts with. A Flink POJO.
 */
public final class CsvBlock {

    /** The header line, with its line break. */
    public String header;
    /** Whole CSV records, each with its line break. */
    public String text;

    public CsvBlock() {
    }

    CsvBlock(String header, String text) {
        this.header = header;
        this.text = text;
    }
}
