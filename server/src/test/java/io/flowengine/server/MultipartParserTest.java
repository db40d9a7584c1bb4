package io.flowengine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The multipart parser, fed the same form split at every position, and broken forms. */
class MultipartParserTest {

    private static final String B = "xyzzy";
    private static final String FILE = "id,name\n1,ann\r\n2,bob --xyzz\n3,\u00e9\n";
    private static final String FORM = "preamble\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + B
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.csv\"\r\nContent-Type: text/csv\r\n\r\n" + FILE
            + "\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"later\"\r\n\r\nignored\r\n--" + B + "--\r\n";

    private static String parse(byte[] form, int... cuts) throws MultipartParser.Malformed {
        MultipartParser p = new MultipartParser(B);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int cut : cuts) {
            for (ByteBuffer b : p.feed(ByteBuffer.wrap(form, from, cut - from))) {
                out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            }
            from = cut;
        }
        for (ByteBuffer b : p.feed(ByteBuffer.wrap(form, from, form.length - from))) {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        p.end();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theFilePartIsTheSameWhereverTheBodyIsSplit() throws Exception {
        byte[] form = FORM.getBytes(StandardCharsets.UTF_8);
        assertThat(parse(form)).isEqualTo(FILE);
        for (int i = 1; i < form.length; i++) {
            assertThat(parse(form, i)).as("split at " + i).isEqualTo(FILE);
        }
        for (int i = 1; i < form.length - 3; i += 3) {
            assertThat(parse(form, i, i + 1, i + 3)).as("split at " + i + ", +1, +3").isEqualTo(FILE);
        }
    }

    @Test
    void brokenFormsSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("no boundary at all".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("the body is not multipart/form-data with the boundary its Content-Type names");
        assertThatThrownBy(() -> parse(("--" + B + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--" + B + "--\r\n")
                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("the form has no file part");
        assertThatThrownBy(() -> parse(("--" + B + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.csv\"\r\n\r\nid\n1\n")
                .getBytes(StandardCharsets.UTF_8)))
                .hasMessage("the form ended inside the file part, before its closing boundary");
        assertThatThrownBy(() -> parse(("--" + B + "\r\n" + "X".repeat(17_000)).getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("a part's headers are malformed or longer than");
    }
}
