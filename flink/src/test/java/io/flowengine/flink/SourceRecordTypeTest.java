package io.flowengine.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records cross from the source to the steps unchanged, whatever their strings hold. */
class SourceRecordTypeTest {

    private static SourceRecord roundTrip(SourceRecord r) throws Exception {
        TypeSerializer<SourceRecord> s = TypeInformation.of(SourceRecord.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(16);
        s.serialize(r, out);
        s.serialize(r, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        s.deserialize(in);
        return s.deserialize(in);
    }

    @Test
    void theTypeIsOurs() {
        assertThat(TypeInformation.of(SourceRecord.class)).isInstanceOf(SourceRecordType.Info.class);
    }

    @Test
    void valuesOfEveryKindSurvive() throws Exception {
        String[] values = {"", "plain", "é ü 中文 😀 \uFFFD", "a,b\n\"c\"", "\0", "x".repeat(100_000)};
        SourceRecord r = roundTrip(SourceRecord.ok(values, 7, 9, 2));
        assertThat(r.values).containsExactly(values);
        assertThat(r.row).isEqualTo(7);
        assertThat(r.line).isEqualTo(9);
        assertThat(r.file).isEqualTo(2);
        assertThat(r.error).isNull();
    }

    @Test
    void aFailedRecordKeepsItsErrorAndRawText() throws Exception {
        SourceRecord r = roundTrip(SourceRecord.failed(3, 4, "malformed CSV: unclosed quote", "1,\"open", 1));
        assertThat(r.values).isNull();
        assertThat(r.error).isEqualTo("malformed CSV: unclosed quote");
        assertThat(r.raw).isEqualTo("1,\"open");
        assertThat(List.of(r.row, r.line, (long) r.file)).containsExactly(3L, 4L, 1L);
    }
}
