package io.flowengine.flink;

import io.flowengine.FlowEngineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;

/**
 * Writes CSV part files, each starting with the header. A bulk format, because only a bulk
 * writer is told when a part file starts; Flink rolls bulk part files at every checkpoint, so a
 * part file holds what arrived between two checkpoints.
 */
final class CsvPartWriter implements BulkWriter.Factory<CsvBlock> {

    private static final long serialVersionUID = 1L;

    private final String charset;
    private final String what;

    /** @param what how an error names the file: "output" or "dead-letter" */
    CsvPartWriter(Charset charset, String what) {
        this.charset = charset.name();
        this.what = what;
    }

    @Override
    public BulkWriter<CsvBlock> create(FSDataOutputStream out) {
        CharsetEncoder encoder = Charset.forName(charset).newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return new BulkWriter<>() {
            private boolean started;

            @Override
            public void addElement(CsvBlock block) throws IOException {
                if (!started) {
                    started = true;
                    write(block.header);
                }
                write(block.text);
            }

            private void write(String text) throws IOException {
                ByteBuffer bytes;
                try {
                    bytes = encoder.encode(CharBuffer.wrap(text));
                } catch (CharacterCodingException e) {
                    throw Failures.fatal(new FlowEngineException("cannot write the " + what + ": a value cannot be written in "
                            + charset + "; set sink.encoding: UTF-8"));
                }
                out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void finish() throws IOException {
                // the stream belongs to the sink, which closes it
                out.flush();
            }
        };
    }
}
