package dev.llmclient.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console at {@code /}, as a user sees it: in a real headless Chromium against
 * the sample and its demo backend, which takes {@value #TOKEN_DELAY_MS} ms per token so
 * that streams and batches can be watched. Waits are explicit (the page's own state),
 * never sleeps; what must be seen <em>while</em> something happens (each token, each
 * progress step) is recorded in the page by a {@code MutationObserver} and read
 * afterwards.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
		"sample.demo.token-delay=" + ConsoleBrowserTests.TOKEN_DELAY_MS + "ms", "sample.batch.max-prompts=1000" })
class ConsoleBrowserTests {

	static final int TOKEN_DELAY_MS = 30;

	/** Each phase of a demo batch job: a job then ends in about a second. */
	private static final int BATCH_PHASE_MS = 300;

	private static final Duration WAIT = Duration.ofSeconds(20);

	/**
	 * Where the README's screenshot lives, from the module's directory: written only when
	 * the build asks for it with {@code -Dconsole.screenshot.update=true}, so an ordinary
	 * test run leaves the working tree clean.
	 */
	private static final Path README_SCREENSHOT = Path.of("..", "docs", "sample-console.png");

	/** Where every run leaves its screenshot, to look at. */
	private static final Path RUN_SCREENSHOT = Path.of("target", "sample-console.png");

	private static ChromeDriver browser;

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@BeforeAll
	static void startBrowser(@TempDir Path profile) {
		browser = HeadlessChromium.start(profile);
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@BeforeEach
	void openConsole() throws Exception {
		put("/api/demo", "{\"failStatus\": 0, \"tokenDelayMs\": " + TOKEN_DELAY_MS + ", \"batchPhaseMs\": "
				+ BATCH_PHASE_MS + "}");
		browser.manage().logs().get(LogType.BROWSER);
		browser.get(url("/"));
		waitUntil((page) -> !text("health-status").equals("…") && byId("demo").isDisplayed());
	}

	@Test
	void pageLoadsWithItsPanelsAndNoConsoleError() {
		assertThat(browser.getTitle()).isEqualTo("llm-client sample console");
		waitUntil((page) -> text("health-status").equals("UP"));
		assertThat(byId("health-details").findElements(By.cssSelector("[data-path='bulkhead.maxConcurrent']")))
			.isNotEmpty();
		List<LogEntry> errors = browser.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.WARNING.intValue())
			.toList();
		assertThat(errors).isEmpty();
	}

	@Test
	void promptStreamsIntoTheAnswerTokenByTokenBeforeItsDoneMarker() {
		script("""
				window.seen = [];
				new MutationObserver(() => {
				  if (document.getElementById('chat-state').dataset.state === 'streaming') {
				    window.seen.push(document.getElementById('answer').textContent);
				  }
				}).observe(document.getElementById('answer'), { childList: true, characterData: true, subtree: true });
				""");
		type("prompt", "one two three four five six");
		byId("send").click();
		waitUntil((page) -> state().equals("done"));
		List<?> seen = (List<?>) script("return window.seen");
		assertThat(seen.stream().map(String::valueOf).filter((text) -> !text.isEmpty()).distinct())
			.as("answer texts seen while streaming")
			.hasSizeGreaterThanOrEqualTo(3);
		assertThat(text("answer")).isEqualTo("echo: one two three four five six");
		assertThat(text("chat-meta")).contains("model echo")
			.contains("first token")
			.contains("tokens 6 in (0 cached) / 7 out")
			.contains("cost 0.000085 USD");
	}

	@Test
	void stopCancelsASlowStreamAndTheBulkheadInFlightReturnsToZero() {
		// 2000 tokens at 30 ms: a minute of streaming, far longer than the waits below
		String prompt = IntStream.range(0, 2000).mapToObj((i) -> "word" + i).collect(Collectors.joining(" "));
		setValue("prompt", prompt);
		byId("send").click();
		waitUntil((page) -> text("answer").contains("word0") && healthValue("bulkhead.inFlight").equals("1"));
		byId("stop").click();
		waitUntil((page) -> state().equals("stopped"));
		new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class)
			.until((page) -> healthValue("bulkhead.inFlight").equals("0"));
		assertThat(text("answer")).doesNotContain("word1999");
		assertThat(byId("send").isEnabled()).isTrue();
	}

	@Test
	void fiftyPromptBatchDrivesTheProgressBarToHundredPercentAndFillsFiftyRowsAsItRuns() {
		setValue("batch-count", "50");
		byId("batch-generate").click();
		assertThat(byId("batch-progress").getDomProperty("value")).isEqualTo("0");
		script("""
				window.progress = [];
				window.rowsWhileRunning = [];
				const bar = document.getElementById('batch-progress');
				new MutationObserver(() => {
				  window.progress.push(bar.value);
				  if (bar.value > 0 && bar.value < 100) {
				    window.rowsWhileRunning.push(document.querySelectorAll('#batch-results tbody tr').length);
				  }
				}).observe(bar, { attributes: true, attributeFilter: ['value'] });
				""");
		byId("batch-run").click();
		waitUntil((page) -> text("batch-summary").startsWith("50 answered, 0 failed"));
		assertThat(text("batch-summary")).contains("tokens").contains("cost ").contains(" USD");
		List<Double> progress = ((List<?>) script("return window.progress")).stream()
			.map((value) -> ((Number) value).doubleValue())
			.toList();
		assertThat(progress).isSorted().last().isEqualTo(100.0);
		assertThat(progress).anyMatch((value) -> value > 0 && value < 100);
		assertThat(text("batch-progress-label")).startsWith("100 % · 50 / 50");
		List<?> rowsWhileRunning = (List<?>) script("return window.rowsWhileRunning");
		assertThat(rowsWhileRunning).as("result rows while the batch was running")
			.anyMatch((count) -> ((Number) count).intValue() > 0);
		List<WebElement> rows = browser.findElements(By.cssSelector("#batch-results tbody tr"));
		assertThat(rows).hasSize(50).allMatch((row) -> "ok".equals(row.getDomAttribute("class")));
		for (int i = 0; i < 50; i++) {
			assertThat(rows.get(i).getText()).as("row %d in its prompt's place", i)
				.startsWith((i + 1) + " Question " + (i + 1) + ":");
		}
	}

	@Test
	void classesPanelShowsBothClassesWhileABatchRunsAndTheChatAnswersMeanwhile() {
		setValue("batch-count", "300");
		byId("batch-generate").click();
		script("""
				window.batchInFlight = [];
				window.progressWhenChatDone = null;
				const cell = document.querySelector('#class-table tr[data-class=batch] [data-field=inFlight]');
				new MutationObserver(() => window.batchInFlight.push(Number(cell.textContent)))
				  .observe(cell, { childList: true, characterData: true, subtree: true });
				const state = document.getElementById('chat-state');
				new MutationObserver(() => {
				  if (state.dataset.state === 'done' && window.progressWhenChatDone === null) {
				    window.progressWhenChatDone = document.getElementById('batch-progress').value;
				  }
				}).observe(state, { attributes: true, attributeFilter: ['data-state'] });
				""");
		byId("batch-run").click();
		waitUntil((page) -> byId("classes").isDisplayed() && classValue("batch", "inFlight") > 0);
		type("prompt", "are you still there");
		byId("send").click();
		waitUntil((page) -> state().equals("done"));
		waitUntil((page) -> text("batch-summary").startsWith("300 answered, 0 failed"));
		assertThat(((Number) script("return window.progressWhenChatDone")).doubleValue())
			.as("batch progress when the chat had answered")
			.isLessThan(100);
		assertThat((List<?>) script("return window.batchInFlight")).as("batch calls in flight seen while it ran")
			.anyMatch((count) -> ((Number) count).intValue() > 0);
		for (String requestClass : List.of("interactive", "batch")) {
			assertThat(classCell(requestClass, "share").getText()).as(requestClass + " share").endsWith("%");
			assertThat(classCell(requestClass, "waiting").getText()).as(requestClass + " waiting").matches("\\d+");
		}
	}

	@Test
	void flexSwitchOfTheDemoBoxTurnsFlexRefusalsOnAndOff() {
		new Select(byId("demo-flex")).selectByValue("true");
		waitUntil((page) -> demoFlexUnavailable());
		new Select(byId("demo-flex")).selectByValue("false");
		waitUntil((page) -> !demoFlexUnavailable());
	}

	@Test
	void failingBackendShowsTheErrorTypeInlineAndMarksFailedBatchRows() {
		new Select(byId("demo-fail")).selectByValue("503");
		waitUntil((page) -> demoFailStatus() == 503);
		type("prompt", "will this fail");
		byId("send").click();
		waitUntil((page) -> state().equals("error"));
		WebElement error = byId("chat-error");
		assertThat(error.isDisplayed()).isTrue();
		assertThat(error.findElement(By.className("error-type")).getText()).isEqualTo("503");
		assertThat(error.getText()).contains("503");

		setValue("batch-prompts", "first\nsecond\nthird");
		byId("batch-run").click();
		waitUntil((page) -> text("batch-summary").startsWith("0 answered, 3 failed"));
		List<WebElement> rows = browser.findElements(By.cssSelector("#batch-results tbody tr"));
		assertThat(rows).hasSize(3).allMatch((row) -> "failed".equals(row.getDomAttribute("class")));
		assertThat(rows.get(0).getText()).contains("failed:").contains("503");
	}

	@Test
	void batchJobPanelShowsTheJobsStatusAndCountsUntilItEndsThenItsResultsInOrder() {
		script("""
				window.statuses = [];
				new MutationObserver(() => window.statuses.push(document.getElementById('job-status').textContent))
				  .observe(document.getElementById('job-status'), { childList: true, characterData: true, subtree: true });
				""");
		setValue("job-prompts", "first prompt\nplease fail here\nthird prompt");
		byId("job-submit").click();
		waitUntil((page) -> text("job-status").equals("completed"));
		assertThat(((List<?>) script("return window.statuses")).stream().map(String::valueOf))
			.as("statuses shown while the job ran")
			.contains("validating")
			.endsWith("completed");
		assertThat(text("job-id")).startsWith("batch_").endsWith("mode provider");
		assertThat(text("job-counts")).isEqualTo("3 / 3 · 2 answered · 1 failed");
		assertThat(byId("job-submit").isEnabled()).isTrue();
		assertThat(byId("job-cancel").isEnabled()).isFalse();
		List<WebElement> rows = browser.findElements(By.cssSelector("#job-results tbody tr"));
		assertThat(rows).extracting((row) -> row.getDomAttribute("class")).containsExactly("ok", "failed", "ok");
		assertThat(rows.get(0).getText()).contains("first prompt").contains("echo: first prompt");
		assertThat(rows.get(1).getText()).contains("failed:").contains("fail");
	}

	@Test
	void healthPanelShowsUpAndTheLatencyCountGrowsAfterCalls() {
		waitUntil((page) -> text("health-status").equals("UP") && !healthValue("latency.count").isEmpty());
		int before = Integer.parseInt(healthValue("latency.count"));
		for (int i = 0; i < 2; i++) {
			type("prompt", "count me " + i);
			byId("send").click();
			waitUntil((page) -> state().equals("done"));
		}
		waitUntil((page) -> Integer.parseInt(healthValue("latency.count")) >= before + 2);
		assertThat(text("health-status")).isEqualTo("UP");
		assertThat(byId("latency-chart").findElements(By.tagName("polyline"))).hasSize(3);
	}

	@Test
	void badInputShowsTheServersMessageNextToTheFieldAndSendsNothing() throws Exception {
		long callsBefore = callsTotal();

		type("prompt", "");
		byId("send").click();
		waitUntil((page) -> byId("prompt-error").isDisplayed());
		assertThat(text("prompt-error")).contains("Field 'prompt' is required");

		script("document.getElementById('prompt').value = 'x'.repeat(1024 * 1024)");
		byId("send").click();
		waitUntil((page) -> text("prompt-error").contains("sample.prompt.max-chars"));
		assertThat(text("prompt-error")).contains("1048576 characters");

		setValue("batch-count", "1001");
		byId("batch-generate").click();
		byId("batch-run").click();
		waitUntil((page) -> byId("batch-error").isDisplayed());
		assertThat(text("batch-error")).contains("1001 prompts").contains("sample.batch.max-prompts");

		assertThat(text("answer")).isEmpty();
		assertThat(byId("chat-error").isDisplayed()).isFalse();
		assertThat(browser.findElements(By.cssSelector("#batch-results tbody tr"))).isEmpty();
		assertThat(callsTotal()).as("calls the client made").isEqualTo(callsBefore);
	}

	/**
	 * Takes the README's screenshot once the console has something to show: an answer, a
	 * finished batch, the health panel and a latency line.
	 */
	@Test
	void screenshotForTheReadme() throws IOException {
		type("prompt", "Tell me how a bulkhead keeps a service afloat when its LLM server slows down");
		byId("send").click();
		waitUntil((page) -> state().equals("done"));
		setValue("batch-count", "50");
		byId("batch-generate").click();
		byId("batch-run").click();
		waitUntil((page) -> text("batch-summary").startsWith("50 answered"));
		waitUntil((page) -> ((Number) script(
				"return document.querySelector('#latency-chart .p99')" + ".getAttribute('points').split(' ').length"))
			.intValue() >= 3);
		// the whole page in one picture: the window as tall as the page
		long chrome = (Long) script("return window.outerHeight - window.innerHeight");
		long page = (Long) script("return document.documentElement.scrollHeight");
		Dimension window = browser.manage().window().getSize();
		browser.manage().window().setSize(new Dimension(window.getWidth(), (int) (page + chrome)));
		byte[] png;
		try {
			png = browser.getScreenshotAs(OutputType.BYTES);
		}
		finally {
			browser.manage().window().setSize(window);
		}
		assertThat(png).hasSizeGreaterThan(10_000);
		Files.write(RUN_SCREENSHOT, png);
		if (Boolean.getBoolean("console.screenshot.update")) {
			Files.write(README_SCREENSHOT, png);
		}
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	private static WebElement byId(String id) {
		return browser.findElement(By.id(id));
	}

	private static String text(String id) {
		return byId(id).getText();
	}

	private static String state() {
		return byId("chat-state").getDomAttribute("data-state");
	}

	private static String healthValue(String path) {
		List<WebElement> values = browser.findElements(By.cssSelector("[data-path='" + path + "']"));
		return values.isEmpty() ? "" : values.get(0).getText();
	}

	private static void type(String id, String text) {
		WebElement field = byId(id);
		field.clear();
		field.sendKeys(text);
	}

	/**
	 * Sets a value as a paste would; typing thousands of characters key by key is slow.
	 */
	private static void setValue(String id, String value) {
		script("document.getElementById(arguments[0]).value = arguments[1]", id, value);
	}

	private static Object script(String script, Object... arguments) {
		return ((JavascriptExecutor) browser).executeScript(script, arguments);
	}

	private static void waitUntil(java.util.function.Function<WebDriver, Boolean> condition) {
		new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class).until(condition);
	}

	private int demoFailStatus() {
		try {
			return this.json.readTree(get("/api/demo")).path("failStatus").asInt();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private boolean demoFlexUnavailable() {
		try {
			return this.json.readTree(get("/api/demo")).path("flexUnavailable").asBoolean();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static WebElement classCell(String requestClass, String field) {
		return browser
			.findElement(By.cssSelector("#class-table tr[data-class=" + requestClass + "] [data-field=" + field + "]"));
	}

	private static int classValue(String requestClass, String field) {
		String text = classCell(requestClass, field).getText();
		return text.matches("\\d+") ? Integer.parseInt(text) : -1;
	}

	private long callsTotal() throws IOException {
		JsonNode health = this.json.readTree(get("/actuator/health"));
		return health.path("components").path("llmClient").path("details").path("calls").path("total").asLong();
	}

	private String get(String path) throws IOException {
		try {
			return this.http.send(HttpRequest.newBuilder(URI.create(url(path))).build(), BodyHandlers.ofString())
				.body();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	private void put(String path, String body) throws IOException, InterruptedException {
		this.http.send(HttpRequest.newBuilder(URI.create(url(path)))
			.header("Content-Type", "application/json")
			.PUT(BodyPublishers.ofString(body))
			.build(), BodyHandlers.discarding());
	}

}
