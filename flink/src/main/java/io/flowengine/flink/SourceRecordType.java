package io.flowengine.flink;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * How a {@link SourceRecord} crosses from the source to the steps: its strings as UTF-8 bytes
 * with a length. Flink's own POJO and string-array serializers read every string through a
 * thread-local buffer, and that lookup was 16% of the steps' CPU in a profile of the orders job.
 * UTF-8 holds every string the CSV reader makes: its decoder turns bytes it cannot read into
 * U+FFFD, so no value holds a lone surrogate (the one thing UTF-8 cannot carry).
 */
public final class SourceRecordType extends TypeInfoFactory<SourceRecord> {

    @Override
    public TypeInformation<SourceRecord> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new Info();
    }

    /** The type information {@code TypeInformation.of(SourceRecord.class)} gives. */
    static final class Info extends TypeInformation<SourceRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<SourceRecord> getTypeClass() {
            return SourceRecord.class;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<SourceRecord> createSerializer(SerializerConfig config) {
            return Serializer.INSTANCE;
        }

        @Override
        public String toString() {
            return "SourceRecord";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Info;
        }

        @Override
        public int hashCode() {
            return Info.class.hashCode();
        }

        @Override
        public boolean canEqual(Object o) {
            return o instanceof Info;
        }
    }

    /** row, line, then the value count (or -1 and the error and raw text), then each value; a string is its UTF-8 length and bytes, -1 for null. */
    static final class Serializer extends TypeSerializerSingleton<SourceRecord> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public SourceRecord createInstance() {
            return new SourceRecord();
        }

        @Override
        public SourceRecord copy(SourceRecord from) {
            SourceRecord r = new SourceRecord();
            r.values = from.values == null ? null : from.values.clone();
            r.row = from.row;
            r.line = from.line;
            r.error = from.error;
            r.raw = from.raw;
            r.file = from.file;
            return r;
        }

        @Override
        public SourceRecord copy(SourceRecord from, SourceRecord reuse) {
            return copy(from);
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(SourceRecord r, DataOutputView out) throws IOException {
            out.writeLong(r.row);
            out.writeLong(r.line);
            out.writeInt(r.file);
            if (r.values == null) {
                out.writeInt(-1);
                write(r.error, out);
                write(r.raw, out);
                return;
            }
            out.writeInt(r.values.length);
            for (String v : r.values) {
                write(v, out);
            }
        }

        private static void write(String s, DataOutputView out) throws IOException {
            if (s == null) {
                out.writeInt(-1);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }

        private static String read(DataInputView in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                return null;
            }
            byte[] b = new byte[n];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        @Override
        public SourceRecord deserialize(DataInputView in) throws IOException {
            SourceRecord r = new SourceRecord();
            r.row = in.readLong();
            r.line = in.readLong();
            r.file = in.readInt();
            int n = in.readInt();
            if (n < 0) {
                r.error = read(in);
                r.raw = read(in);
                return r;
            }
            String[] values = new String[n];
            for (int i = 0; i < n; i++) {
                values[i] = read(in);
            }
            r.values = values;
            return r;
        }

        @Override
        public SourceRecord deserialize(SourceRecord reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            serialize(deserialize(in), out);
        }

        @Override
        public TypeSerializerSnapshot<SourceRecord> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** The serializer has no configuration: restoring it is making it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SourceRecord> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
