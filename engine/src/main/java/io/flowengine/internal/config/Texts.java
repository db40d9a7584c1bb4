package io.flowengine.internal.config;

import java.util.Collection;

/** Small text helpers for messages. */
public final class Texts {

    private static final int MAX = 60;

    private Texts() {
    }

    /** {@code s} cut to about 60 characters for a message, control characters made visible. */
    public static String cut(String s) {
        String t = s.length() > MAX ? s.substring(0, MAX) + "…" : s;
        return t.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    /** The candidate closest to {@code word}, if it is close enough to be a likely typo. */
    public static String suggest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word.toLowerCase(), c.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best != null && bestDistance <= Math.max(2, word.length() / 3) ? best : null;
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
