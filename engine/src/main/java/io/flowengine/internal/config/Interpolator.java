package io.flowengine.internal.config;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} with environment values. {@code $${}}
 * is not special; an unset variable without a default is reported through {@code onMissing}.
 */
final class Interpolator {

    private final Map<String, String> env;

    Interpolator(Map<String, String> env) {
        this.env = env;
    }

    String apply(String text, Consumer<String> onMissing) {
        int start = text.indexOf("${");
        if (start < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (start >= 0) {
            int end = text.indexOf('}', start + 2);
            if (end < 0) {
                break;
            }
            out.append(text, from, start);
            String expr = text.substring(start + 2, end);
            int sep = expr.indexOf(":-");
            String name = sep < 0 ? expr : expr.substring(0, sep);
            String value = env.get(name);
            if (value == null || (sep >= 0 && value.isEmpty())) {
                if (sep >= 0) {
                    value = expr.substring(sep + 2);
                } else {
                    onMissing.accept(name);
                    value = "";
                }
            }
            out.append(value);
            from = end + 1;
            start = text.indexOf("${", from);
        }
        return out.append(text, from, text.length()).toString();
    }
}
