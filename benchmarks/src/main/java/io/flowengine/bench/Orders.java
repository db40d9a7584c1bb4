package io.flowengine.bench;

import java.util.Random;

/**
 * The benchmark data set in memory: the same shape as benchmarks/gen-orders.py (10 columns, about
 * 140 bytes a row, about 5% of records with quoted commas, doubled quotes or line breaks), seeded.
 */
final class Orders {

    static final String HEADER = "id,name,email,city,amount,quantity,status,created,category,notes\n";

    private static final String[] NAMES = {"alice", "bob", "carol", "dan", "eve", "frank", "grace", "heidi", "ivan", "judy"};
    private static final String[] CITIES = {"Berlin", "Paris", "Lisbon", "Madrid", "Rome", "Vienna", "Prague", "Oslo"};
    private static final String[] STATUSES = {"paid", "paid", "paid", "shipped", "cancelled"};

    private Orders() {
    }

    /** {@code rows} data records after the header. */
    static String csv(int rows) {
        Random rnd = new Random(42);
        StringBuilder sb = new StringBuilder(HEADER.length() + rows * 150).append(HEADER);
        for (int i = 1; i <= rows; i++) {
            String first = NAMES[rnd.nextInt(NAMES.length)];
            String last = NAMES[rnd.nextInt(NAMES.length)];
            String name = first + " " + Character.toUpperCase(last.charAt(0)) + last.substring(1);
            double r = rnd.nextDouble();
            String notes = r < 0.02 ? "\"left at door, rang twice\""
                    : r < 0.04 ? "\"customer said \"\"urgent\"\" twice\""
                    : r < 0.05 ? "\"line one\nline two\""
                    : "standard delivery window requested by customer";
            sb.append(i).append(',').append(name).append(',').append(first).append(i).append("@example.com,")
                    .append(CITIES[rnd.nextInt(CITIES.length)]).append(',').append((100 + rnd.nextInt(99_900)) / 100.0).append(',')
                    .append(1 + rnd.nextInt(20)).append(',').append(STATUSES[rnd.nextInt(STATUSES.length)]).append(",2026-")
                    .append(String.format("%02d-%02d", 1 + rnd.nextInt(12), 1 + rnd.nextInt(28))).append(",cat-")
                    .append(1 + rnd.nextInt(40)).append(',').append(notes).append('\n');
        }
        return sb.toString();
    }

    /** The benchmark job's steps: uppercase the name, total = amount × quantity, drop cancelled rows. */
    static final String PIPELINE = """
            version: 1
            name: bench
            steps:
              - name: enrich
                javascript: |
                  function transform(row, ctx) {
                    row.total = String(Number(row.amount) * Number(row.quantity));
                    row.name = row.name.toUpperCase();
                    return row;
                  }
              - name: drop-cancelled
                filter: "row.status !== 'cancelled'"
            """;
}
