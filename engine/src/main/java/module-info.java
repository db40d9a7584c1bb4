/**
 * FlowEngine's engine: pipelines of JavaScript steps over CSV, as files, streams or a
 * {@code Flux} of rows. Only {@code io.flowengine} is exported; everything under
 * {@code io.flowengine.internal} may change without notice. The jar works on the class path
 * too, where this descriptor is ignored.
 */
module io.flowengine {
    exports io.flowengine;

    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    requires transitive micrometer.core;
    requires reactor.netty.core;
    requires reactor.netty.http;
    requires io.netty.codec.http;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.graalvm.polyglot;
    requires org.slf4j;
    // no Automatic-Module-Name in its jar: the name comes from the file name
    requires aircompressor;
}
