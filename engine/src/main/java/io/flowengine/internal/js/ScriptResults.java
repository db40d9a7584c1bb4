package io.flowengine.internal.js;

import io.flowengine.Row;

/** Receives what the steps made of each input row of a chunk, in input order. */
public interface ScriptResults {

    /** Input row {@code index} produced {@code row} (called once per produced row). */
    void produced(int index, Row row);

    /**
     * Input row {@code index} came out of the steps that ran as the row itself, its edits made in
     * place, for the steps after them to go on with (only when a rail runs some of the steps).
     */
    default void reached(int index) {
        throw new IllegalStateException("only a rail that runs some of the steps reaches a row");
    }

    /** Input row {@code index} was dropped on purpose (a filter, or null/[] returned). */
    void filtered(int index);

    /** Input row {@code index} failed in {@code step}; {@code message} says where and why. */
    void failed(int index, String step, String message);
}
