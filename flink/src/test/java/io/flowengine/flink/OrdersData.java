package io.flowengine.flink;

import io.flowengine.Pipeline;
import io.flowengine.RunRequest;
import io.flowengine.RunSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** An orders file with some bad amounts, and what {@code flowengine run} makes of it. */
final class OrdersData {

    static final Path PIPELINE = Path.of(System.getProperty("flowengine.examples", "../docs/examples"), "orders.yaml");

    final Path input;
    final RunSummary cli;
    final List<List<String>> cliOutput;
    final List<List<String>> cliDeadLetters;

    private OrdersData(Path input, RunSummary cli, List<List<String>> out, List<List<String>> dead) {
        this.input = input;
        this.cli = cli;
        this.cliOutput = out;
        this.cliDeadLetters = dead;
    }

    /** {@code rows} orders in {@code dir}/orders.csv, run through the CLI's engine for reference. */
    static OrdersData make(Path dir, int rows) throws IOException {
        StringBuilder csv = new StringBuilder("id,name,amount,quantity,status\n");
        String[] statuses = {"paid", "pending", "cancelled", "paid"};
        for (int i = 1; i <= rows; i++) {
            csv.append(i).append(",name").append(i % 37).append(',')
                    .append(i % 101 == 0 ? "n/a" : (i % 50) + "." + (i % 7)).append(',').append(i % 5 + 1).append(',')
                    .append(statuses[i % statuses.length]).append('\n');
        }
        Path input = dir.resolve("orders.csv");
        Files.writeString(input, csv);
        Path out = dir.resolve("cli-out.csv");
        Path dl = dir.resolve("cli-dead-letters.csv");
        RunSummary s = Pipeline.of(Pipeline.loadSpec(PIPELINE, Map.of(), Map.of()))
                .run(RunRequest.create().input(input).output(out).deadLetter(dl)).block();
        return new OrdersData(input, s, FlinkTesting.records(out, StandardCharsets.UTF_8, ','),
                FlinkTesting.records(dl, StandardCharsets.UTF_8, ','));
    }

    Map<List<String>, Integer> rows() {
        return FlinkTesting.multiset(cliOutput.subList(1, cliOutput.size()));
    }

    Map<List<String>, Integer> deadLetters() {
        return FlinkTesting.multiset(cliDeadLetters.subList(1, cliDeadLetters.size()));
    }

    List<String> header() {
        return cliOutput.get(0);
    }

    List<String> deadLetterHeader() {
        return cliDeadLetters.get(0);
    }
}
