package io.flowengine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Studio in a real browser: the system's headless Chromium (Debian {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs) driven by Selenium against a real server
 * on a free port. Typing goes to CodeMirror's own input, as a person's keys do. Screenshots go to
 * {@code target/studio-screenshots}, and with {@code -Dstudio.screenshots=DIR} there too (the
 * ones in docs/images come from here).
 */
class StudioBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** A pipeline's name that is HTML: shown as text, never run. */
    private static final String HOSTILE_NAME = "<img src=x onerror=window.pwned=3>";

    static final String ORDERS = """
            version: 1
            name: orders
            steps:
              - name: enrich
                javascript: |
                  function transform(row, ctx) {
                    const amount = Number(row.amount);
                    if (Number.isNaN(amount)) throw new Error('amount is not a number: ' + row.amount);
                    row.total = String(amount * 2);
                    return row;
                  }
              - name: no-zero
                filter: "row.total !== '0'"
            sink:
              columns: [id, name, total]
            errors:
              onError: dead-letter
            tests:
              - name: doubles the amount
                input: |
                  id,name,amount
                  1,ann,2
                expect: |
                  id,name,total
                  1,ann,4
            """;

    @TempDir
    Path dir;

    private FlowServer server;
    private WebDriver browser;
    private Path pipelines;

    @BeforeAll
    static void browserInstalled() {
        boolean there = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!there && System.getenv("CI") != null) {
            throw new IllegalStateException("CI must run the browser tests: install Debian's chromium and chromium-driver (.ci/run does)");
        }
        assumeTrue(there, "no /usr/bin/chromium and /usr/bin/chromedriver here (apt-get install chromium chromium-driver)");
    }

    private void open(ServerConfig change) throws Exception {
        server = FlowServer.start(change, Map.of());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000",
                "--no-first-run", "--disable-extensions", "--disable-background-networking");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        browser.get("http://127.0.0.1:" + server.port() + "/");
    }

    private ServerConfig config() throws Exception {
        pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(pipelines.resolve("orders.yaml"), ORDERS);
        return ServerConfig.of(pipelines, dir.resolve("data")).withHost("127.0.0.1").withPort(0);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void editorShowsProblemsAtTheirLineUpdatesTablesAndRunsTests() throws Exception {
        open(config());
        pick("orders");
        sample("id,name,amount\n1,ann,2\n2,bob,0\n3,cy,x\n");
        // each step's rows, the filter's drops and the row error
        // the preview of this sample (an earlier one, of the page's own sample, may still be on its way)
        waitUntil(() -> text(By.id("preview")).contains("amount is not a number: x"));
        waitUntil(() -> cellsOf("enrich").contains("4"));
        assertThat(text(By.cssSelector("section.stage[data-step='enrich']"))).contains("After enrich (javascript").contains("amount is not a number: x");
        assertThat(text(By.cssSelector("section.stage[data-step='no-zero']"))).contains("Dropped by the filter: row 2 (line 3)");
        assertThat(text(By.id("steps"))).contains("enrich").contains("no-zero");
        screenshot("studio-editor.png");

        // an edit to the script: the step's table follows
        int line = lineOf("String(amount * 2)");
        select(line, "String(amount * ".length() + indexIn(line, "String(amount * "), 1);
        type("3");
        waitUntil(() -> cellsOf("enrich").contains("6"));
        assertThat(cellsOf("enrich")).doesNotContain("4");

        // a typo: the problem at its line, in the list and in the gutter
        int filterLine = lineOf("!== '0'");
        select(filterLine, indexIn(filterLine, "!==") + 3, 0);
        type("=");
        WebElement problem = waitFor(By.cssSelector("#problems li.problem"));
        assertThat(problem.getText()).startsWith("line " + (filterLine + 1) + ", column");
        assertThat((Boolean) js("return !!cm().lineInfo(arguments[0]).gutterMarkers", filterLine)).isTrue();
        screenshot("studio-problem.png");
        // the fix takes the problem away
        select(filterLine, indexIn(filterLine, "!===") + 3, 1);
        type(org.openqa.selenium.Keys.DELETE.toString());
        waitUntil(() -> text(By.id("problems")).equals("none"));
        assertThat((String) js("return cm().getLine(arguments[0])", filterLine)).endsWith("filter: \"row.total !== '0'\"");

        // the keyboard is never stuck in the editor: Tab indents there, Esc moves on to the sample
        js("cm().focus()");
        type(org.openqa.selenium.Keys.ESCAPE.toString());
        assertThat(js("return document.activeElement.id")).isEqualTo("sample");

        // tests: a wrong expectation fails with its diff
        int expect = lineOf("1,ann,4");
        select(expect, indexIn(expect, "4"), 1);
        type("5");
        browser.findElement(By.id("run-tests")).click();
        WebElement test = waitFor(By.cssSelector("#tests li.test"));
        assertThat(test.getText()).startsWith("FAIL doubles the amount");
        assertThat(text(By.cssSelector("#tests pre.diff"))).contains("- 1,ann,5").contains("+ 1,ann,6");
        js("document.getElementById('tests').scrollIntoView()");
        screenshot("studio-tests.png");
    }

    @Test
    void markupInValuesAndNamesIsShownAsText() throws Exception {
        ServerConfig config = config();
        Files.writeString(pipelines.resolve(HOSTILE_NAME + ".yaml"), ORDERS);
        open(config);
        waitUntil(() -> options("pipeline-pick").contains(HOSTILE_NAME));
        pick("orders");
        String value = "<script>window.pwned=1</script><b>bold</b>";
        sample("id,name,amount\n1,\"" + value + "\",2\n");
        waitUntil(() -> browser.findElements(By.xpath("//td[text()='" + value + "']")).size() >= 2);
        assertThat(browser.findElements(By.cssSelector("#preview script, #preview b, select img"))).isEmpty();
        assertThat(js("return window.pwned === undefined")).isEqualTo(true);

        // on a phone's width the page is one column and nothing spills sideways
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        waitUntil(() -> ((Number) js("return document.documentElement.scrollWidth - window.innerWidth")).intValue() <= 0);
        screenshot("studio-phone.png");
    }

    @Test
    void aRunThatLastsDrawsItsRowsPerSecondAsItGoes() throws Exception {
        ServerConfig config = config();
        // about 3 ms a row: 1,500 rows take a few seconds, long enough for several progress events
        Files.writeString(pipelines.resolve("slow.yaml"), """
                steps:
                  - name: slow
                    javascript: |
                      function transform(row) {
                        const until = Date.now() + 3;
                        while (Date.now() < until) {}
                        return row;
                      }
                """);
        open(config);
        StringBuilder csv = new StringBuilder("id\n");
        for (int i = 1; i <= 1500; i++) {
            csv.append(i).append('\n');
        }
        Path upload = Files.writeString(dir.resolve("slow.csv"), csv);
        browser.findElement(By.id("nav-runs")).click();
        waitUntil(() -> options("upload-pipeline").contains("slow"));
        new Select(browser.findElement(By.id("upload-pipeline"))).selectByValue("slow");
        browser.findElement(By.id("upload-file")).sendKeys(upload.toString());
        browser.findElement(By.cssSelector("#upload-form button[type=submit]")).click();
        // while it runs: listed as running, and its curve grows
        waitUntil(() -> text(By.id("runs")).contains("running"));
        waitFor(By.cssSelector("#chart svg polyline"));
        waitUntil(() -> text(By.id("upload-status")).contains("finished"));
        waitUntil(() -> firstRun().contains("succeeded"));
        // the chart is redrawn as events come: read it in one go, in the page
        waitUntil(() -> chartPoints() >= 3);
        assertThat((String) js("return document.querySelector('#chart svg').getAttribute('aria-label')")).contains("rows read per second");
        String id = (String) js("return document.querySelector('#runs tbody tr[data-run]').dataset.run");

        // opened later, in a fresh page that never watched it: the curve comes from the run's record
        browser.get("http://127.0.0.1:" + server.port() + "/#runs/" + id);
        waitUntil(() -> text(By.id("run-title")).contains(id));
        waitUntil(() -> chartPoints() >= 3);
        js("document.getElementById('run-title').scrollIntoView()");
        screenshot("studio-run-rate.png");
    }

    @Test
    void anUploadBecomesARunInTheListWithItsDeadLetters() throws Exception {
        open(config());
        StringBuilder csv = new StringBuilder("id,name,amount\n");
        int bad = 0;
        int zero = 0;
        for (int i = 1; i <= 2000; i++) {
            bad += i % 100 == 0 ? 1 : 0;
            zero += i % 100 != 0 && i % 7 == 0 ? 1 : 0;
            csv.append(i).append(",n").append(i).append(',').append(i % 100 == 0 ? "bad" : String.valueOf(i % 7)).append('\n');
        }
        Path upload = Files.writeString(dir.resolve("orders.csv"), csv);
        browser.findElement(By.id("nav-runs")).click();
        waitUntil(() -> options("upload-pipeline").contains("orders"));
        browser.findElement(By.id("upload-file")).sendKeys(upload.toString());
        browser.findElement(By.cssSelector("#upload-form button[type=submit]")).click();
        waitUntil(() -> text(By.id("upload-status")).contains("finished"));
        // the list is redrawn every few seconds: read its first row in one go, in the page
        waitUntil(() -> firstRun().contains("succeeded"));
        // pipeline, status, in, out, filtered, failed
        List<String> cells = firstRun();
        assertThat(cells.subList(0, 6)).containsExactly("orders", "succeeded", "2000", String.valueOf(2000 - bad - zero),
                String.valueOf(zero), String.valueOf(bad));
        waitUntil(() -> text(By.id("dl-count")).equals("20 of 20 dead letters"));
        assertThat(text(By.id("run-summary"))).contains("rowsIn").contains("2000");
        assertThat(text(By.id("dead-letters"))).contains("amount is not a number: bad").contains("_step");
        new Select(browser.findElement(By.id("dl-step"))).selectByVisibleText("enrich");
        browser.findElement(By.id("dl-text")).sendKeys("no such error");
        waitUntil(() -> text(By.id("dl-count")).equals("0 of 20 dead letters"));
        browser.findElement(By.id("dl-text")).clear();
        browser.findElement(By.id("dl-text")).sendKeys("bad");
        waitUntil(() -> text(By.id("dl-count")).equals("20 of 20 dead letters"));
        js("document.getElementById('runs-title').scrollIntoView()");
        screenshot("studio-runs.png");
        js("document.getElementById('run-detail').querySelector('h4:last-of-type').scrollIntoView()");
        screenshot("studio-dead-letters.png");
    }

    @Test
    void withKeysThePageAsksForOneAndSavesOnlyWithAllowEdit() throws Exception {
        open(config().withApiKeys(List.of("s3cret")).withAllowEdit(true));
        WebElement key = waitFor(By.id("key"));
        waitUntil(key::isDisplayed);
        key.sendKeys("wrong");
        browser.findElement(By.cssSelector("#key-form button")).click();
        waitUntil(() -> text(By.id("key-error")).contains("not accepted"));
        browser.findElement(By.id("key")).sendKeys("s3cret");
        browser.findElement(By.cssSelector("#key-form button")).click();
        waitUntil(() -> options("pipeline-pick").contains("orders"));
        assertThat(browser.getCurrentUrl()).doesNotContain("s3cret");
        // save a copy under a new name: a file in --pipelines, served at once
        pick("orders");
        WebElement name = browser.findElement(By.id("save-name"));
        waitUntil(name::isDisplayed);
        name.clear();
        name.sendKeys("orders-copy");
        browser.findElement(By.id("save")).click();
        waitUntil(() -> text(By.id("save-status")).equals("saved as orders-copy.yaml"));
        assertThat(Files.readString(pipelines.resolve("orders-copy.yaml"))).isEqualTo(ORDERS);
        HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v1/pipelines")).header("Authorization", "Bearer s3cret").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(listed.body()).contains("orders-copy");
    }

    // ---- helpers ----

    private void pick(String pipeline) {
        waitUntil(() -> options("pipeline-pick").contains(pipeline));
        new Select(browser.findElement(By.id("pipeline-pick"))).selectByValue(pipeline);
        waitUntil(() -> ((String) js("return cm().getValue()")).startsWith("version: 1\nname: " + pipeline));
    }

    private void sample(String csv) {
        WebElement s = browser.findElement(By.id("sample"));
        s.clear();
        s.sendKeys(csv);
    }

    /** The cells of the newest run's row in the list. */
    @SuppressWarnings("unchecked")
    private List<String> firstRun() {
        return (List<String>) js("const r = document.querySelector('#runs tbody tr[data-run]');"
                + " return r ? [...r.cells].map(c => c.textContent) : [];");
    }

    /** How many points the rows/s curve has now; 0 without one. */
    private int chartPoints() {
        return ((Number) js("const l = document.querySelector('#chart svg polyline');"
                + " return l ? l.getAttribute('points').split(' ').length : 0;")).intValue();
    }

    private List<String> options(String select) {
        return new Select(browser.findElement(By.id(select))).getOptions().stream().map(WebElement::getText).toList();
    }

    private List<String> cellsOf(String step) {
        // the step's rows: the stage's first table (its row errors are another)
        return browser.findElement(By.cssSelector("section.stage[data-step='" + step + "'] table")).findElements(By.tagName("td"))
                .stream().map(WebElement::getText).toList();
    }

    /** The 0-based line of the editor holding {@code text}. */
    private int lineOf(String text) {
        Number n = (Number) js("const t = cm().getValue().split('\\n'); return t.findIndex(l => l.includes(arguments[0]));", text);
        assertThat(n.intValue()).as("a line with %s", text).isNotNegative();
        return n.intValue();
    }

    private int indexIn(int line, String text) {
        return ((Number) js("return cm().getLine(arguments[0]).indexOf(arguments[1])", line, text)).intValue();
    }

    /** Puts the editor's selection on {@code length} characters of {@code line} from {@code ch}, and the focus in it. */
    private void select(int line, int ch, int length) {
        js("cm().focus(); cm().setSelection({line: arguments[0], ch: arguments[1]}, {line: arguments[0], ch: arguments[1] + arguments[2]})",
                line, ch, length);
    }

    /** Keys into CodeMirror's input, as typing does. */
    private void type(String keys) {
        browser.findElement(By.cssSelector(".CodeMirror textarea")).sendKeys(keys);
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript("const cm = () => document.querySelector('.CodeMirror').CodeMirror; "
                + script, args);
    }

    /** The element's text; found again when the page has just redrawn it. */
    private String text(By by) {
        for (int i = 0;; i++) {
            try {
                return browser.findElement(by).getText();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (i == 5) {
                    throw e;
                }
            }
        }
    }

    private static String text(WebElement e) {
        return e.getText();
    }

    private WebElement waitFor(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> d.findElements(by).isEmpty() ? null : d.findElement(by));
    }

    private void waitUntil(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> condition.getAsBoolean());
    }

    private void screenshot(String name) throws Exception {
        byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Path target = Files.createDirectories(Path.of("target", "studio-screenshots"));
        Files.write(target.resolve(name), png);
        String docs = System.getProperty("studio.screenshots");
        if (docs != null && !docs.isBlank()) {
            Files.write(Files.createDirectories(Path.of(docs)).resolve(name), png);
        }
    }
}
