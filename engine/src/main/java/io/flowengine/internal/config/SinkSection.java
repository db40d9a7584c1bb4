package io.flowengine.internal.config;

import io.flowengine.PipelineSpec.SinkSpec;
import io.flowengine.PipelineSpec.WriteMode;
import io.flowengine.PipelineSpec;
import io.flowengine.internal.config.Node.ListNode;
import io.flowengine.internal.config.Node.MapNode;
import io.flowengine.internal.config.Node.ScalarNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code sink} section, with {@code sink.http}. */
final class SinkSection {

    static final List<String> KEYS = List.of("path", "format", "columns", "mode", "encoding", "delimiter", "quote", "http",
            "compression");
    static final List<String> HTTP_KEYS = List.of("url", "batchRows", "body", "headers", "maxInFlight", "timeout");

    private final FieldReader f;

    SinkSection(FieldReader f) {
        this.f = f;
    }

    SinkSpec read(MapNode root) {
        Optional<MapNode> node = f.mapping(root, "sink");
        if (node.isEmpty()) {
            return SinkSpec.DEFAULT;
        }
        MapNode m = node.get();
        f.checkKeys(m, "sink.", KEYS);
        Optional<PipelineSpec.HttpSinkSpec> http = f.mapping(m, "http").map(this::http);
        if (http.isPresent() && m.entries().containsKey("path")) {
            f.entry(m, "http").ifPresent(e -> f.problem(e.key(), "sink has both 'path' and 'http'. Keep one of them."));
        }
        Optional<List<String>> columns = f.columnNames(m, "columns", "sink.columns", "[id, name, total]");
        WriteMode mode = f.enumValue(m, "mode", WriteMode.values(), WriteMode::key).orElse(WriteMode.REPLACE);
        PipelineSpec.Compression compression = f.enumValue(m, "compression", PipelineSpec.Compression.values(),
                PipelineSpec.Compression::key).orElse(PipelineSpec.Compression.AUTO);
        String formatText = f.scalar(m, "format").map(f::interpolate).orElse("");
        PipelineSpec.OutputFormat format = formatText.equals("ndjson") ? PipelineSpec.OutputFormat.NDJSON
                : formatText.equals("json") ? PipelineSpec.OutputFormat.JSON
                : formatText.isEmpty() ? PipelineSpec.OutputFormat.AUTO : PipelineSpec.OutputFormat.CSV;
        boolean json = format == PipelineSpec.OutputFormat.NDJSON || format == PipelineSpec.OutputFormat.JSON;
        return new SinkSpec(f.path(m, "path"), new CsvOptionsSection(f).read(m, "sink.", json), columns, mode, http, compression,
                format);
    }
    private PipelineSpec.HttpSinkSpec http(MapNode m) {
        f.checkKeys(m, "sink.http.", HTTP_KEYS);
        URI url = null;
        Optional<ScalarNode> at = f.scalar(m, "url");
        if (at.isEmpty()) {
            f.problem(m, "sink.http: missing key 'url'. Give the endpoint, such as url: https://example.com/ingest");
        } else {
            String text = f.interpolate(at.get());
            try {
                url = new URI(text);
                if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                    throw new URISyntaxException(text, "not an http(s) URL with a host");
                }
            } catch (URISyntaxException e) {
                f.problem(at.get(), "sink.http.url must be an http:// or https:// URL with a host, not '" + Texts.cut(text) + "'.");
                url = null;
            }
        }
        int batchRows = f.integer(m, "batchRows", 1, 100_000).map(Long::intValue).orElse(500);
        int maxInFlight = f.integer(m, "maxInFlight", 1, 64).map(Long::intValue).orElse(2);
        PipelineSpec.HttpBody body = f.enumValue(m, "body", PipelineSpec.HttpBody.values(), PipelineSpec.HttpBody::key)
                .orElse(PipelineSpec.HttpBody.JSON);
        Duration timeout = f.duration(m, "timeout").orElse(Duration.ofSeconds(30));
        Map<String, String> headers = new LinkedHashMap<>();
        f.mapping(m, "headers").ifPresent(h -> h.entries().forEach((k, e) -> {
            if (e.value() instanceof ScalarNode sv && sv.type() != Node.ScalarType.NULL) {
                headers.put(k, f.interpolate(sv));
            } else {
                f.problem(e.value(), "sink.http.headers." + k + " must be a text value, not " + e.value().describe() + ".");
            }
        }));
        return url == null ? null
                : new PipelineSpec.HttpSinkSpec(url, batchRows, body, headers, maxInFlight, timeout);
    }
}
