package dev.llmclient.sample.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo backend's Files and Batch APIs, spoken as an OpenAI client speaks them: a
 * JSONL input uploaded as multipart, a batch created from it and polled to its end, its
 * output and error files downloaded.
 */
class DemoBatchApiTests {

	private static final String BOUNDARY = "demo-boundary-7MA4YWxkTrZu0gW";

	private static final Duration TERMINAL_WAIT = Duration.ofSeconds(20);

	private static final DemoControls controls = new DemoControls(Duration.ZERO);

	private static DemoBackend backend;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() throws IOException {
		backend = DemoBackend.start(controls, ProviderLimits.NONE);
	}

	@AfterAll
	static void stop() {
		backend.close();
	}

	@AfterEach
	void answerAtOnce() {
		controls.setBatchPhase(Duration.ZERO);
		controls.setFailStatus(0);
	}

	@Test
	void uploadedFileIsAnOpenAiFileObjectWhoseContentAndDeletionWork() throws Exception {
		String content = chatLine("a", "hello") + chatLine("b", "world");
		HttpResponse<String> upload = upload(content, "batch");
		assertThat(upload.statusCode()).isEqualTo(200);
		DocumentContext file = JsonPath.parse(upload.body());
		String id = file.read("$.id");
		assertThat(id).startsWith("file-");
		assertThat(file.read("$.object", String.class)).isEqualTo("file");
		assertThat(file.read("$.bytes", Long.class)).isEqualTo(content.getBytes(StandardCharsets.UTF_8).length);
		assertThat(file.read("$.created_at", Long.class)).isPositive();
		assertThat(file.read("$.filename", String.class)).isEqualTo("requests.jsonl");
		assertThat(file.read("$.purpose", String.class)).isEqualTo("batch");
		assertThat(file.read("$.status", String.class)).isEqualTo("processed");

		assertThat(JsonPath.parse(get("/files/" + id).body()).read("$.id", String.class)).isEqualTo(id);
		assertThat(get("/files/" + id + "/content").body()).isEqualTo(content);

		HttpResponse<String> deleted = send(HttpRequest.newBuilder(uri("/files/" + id)).DELETE());
		assertThat(deleted.statusCode()).isEqualTo(200);
		assertThat(JsonPath.parse(deleted.body()).read("$", Map.class))
			.isEqualTo(Map.of("id", id, "object", "file", "deleted", true));
		assertThat(get("/files/" + id).statusCode()).isEqualTo(404);
		assertThat(get("/files/" + id + "/content").statusCode()).isEqualTo(404);
	}

	@Test
	void uploadTakesThePurposeBeforeOrAfterTheFileAndKeepsBoundaryLikeBytesOfTheContent() throws Exception {
		String content = "line one\r\n--demo-boundary-7MA4YWxkTrZ not the boundary\r\n-\r\n--";
		String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"odd.jsonl\"\r\n"
				+ "Content-Type: application/jsonl\r\n\r\n" + content + "\r\n--" + BOUNDARY
				+ "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--" + BOUNDARY + "--\r\n";
		HttpResponse<String> upload = postMultipart(body);
		assertThat(upload.statusCode()).isEqualTo(200);
		String id = JsonPath.parse(upload.body()).read("$.id");
		assertThat(get("/files/" + id + "/content").body()).isEqualTo(content);
	}

	@Test
	void uploadWithoutAPurposeOrWithAnUnknownOneIsRefused400() throws Exception {
		String noPurpose = "--" + BOUNDARY
				+ "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\n\r\n" + "x\r\n--"
				+ BOUNDARY + "--\r\n";
		HttpResponse<String> missing = postMultipart(noPurpose);
		assertThat(missing.statusCode()).isEqualTo(400);
		assertThat(errorMessage(missing)).contains("'purpose'");
		HttpResponse<String> unknown = upload("x", "homework");
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(errorMessage(unknown)).contains("'purpose'", "homework");
	}

	@Test
	void batchCompletesWithAnswersInTheOutputFileAndFailuresInTheErrorFile() throws Exception {
		String input = chatLine("r1", "hello") + chatLine("r2", "please fail this one") + chatLine("r3", "big world")
				+ chatLine("r4", "third");
		DocumentContext batch = awaitTerminal(createBatch(uploadId(input), "/v1/chat/completions"));
		assertThat(batch.read("$.status", String.class)).isEqualTo("completed");
		assertThat(batch.read("$.object", String.class)).isEqualTo("batch");
		assertThat(batch.read("$.endpoint", String.class)).isEqualTo("/v1/chat/completions");
		assertThat(batch.read("$.model", String.class)).isEqualTo("echo");
		assertThat(batch.read("$.completion_window", String.class)).isEqualTo("24h");
		assertThat(batch.read("$.request_counts", Map.class))
			.isEqualTo(Map.of("total", 4, "completed", 3, "failed", 1));
		for (String reached : List.of("created_at", "in_progress_at", "finalizing_at", "completed_at", "expires_at")) {
			assertThat(batch.read("$." + reached, Long.class)).as(reached).isPositive();
		}
		assertThat(batch.read("$", Map.class)).containsEntry("failed_at", null)
			.containsEntry("cancelled_at", null)
			.containsEntry("errors", null);
		assertThat(batch.read("$.usage.total_tokens", Integer.class)).isPositive();

		List<DocumentContext> output = lines(batch.read("$.output_file_id"));
		assertThat(output).extracting((line) -> line.read("$.custom_id", String.class))
			.containsExactlyInAnyOrder("r1", "r3", "r4");
		DocumentContext r3 = output.stream().filter((line) -> "r3".equals(line.read("$.custom_id"))).findFirst().get();
		assertThat(r3.read("$.id", String.class)).startsWith("batch_req_");
		assertThat(r3.read("$.response.status_code", Integer.class)).isEqualTo(200);
		assertThat(r3.read("$.response.request_id", String.class)).startsWith("req_");
		assertThat(r3.read("$.response.body.object", String.class)).isEqualTo("chat.completion");
		assertThat(r3.read("$.response.body.choices[0].message.content", String.class)).isEqualTo("echo: big world");
		assertThat(r3.read("$", Map.class)).containsEntry("error", null);

		List<DocumentContext> errors = lines(batch.read("$.error_file_id"));
		assertThat(errors).hasSize(1);
		assertThat(errors.get(0).read("$.custom_id", String.class)).isEqualTo("r2");
		assertThat(errors.get(0).read("$.response.status_code", Integer.class)).isEqualTo(400);
		assertThat(errors.get(0).read("$.response.body.error.type", String.class)).isEqualTo("invalid_request_error");
		assertThat(errors.get(0).read("$.response.body.error.message", String.class)).contains("'fail'");
		DocumentContext outputFile = JsonPath.parse(get("/files/" + batch.read("$.output_file_id")).body());
		assertThat(outputFile.read("$.purpose", String.class)).isEqualTo("batch_output");
	}

	@Test
	void answersAreWrittenInNoParticularOrder() throws Exception {
		List<String> ids = IntStream.range(0, 400).mapToObj((i) -> "q" + i).toList();
		String input = String.join("", ids.stream().map((id) -> chatLine(id, "prompt " + id)).toList());
		DocumentContext batch = awaitTerminal(createBatch(uploadId(input), "/v1/chat/completions"));
		List<String> written = lines(batch.read("$.output_file_id")).stream()
			.map((line) -> line.read("$.custom_id", String.class))
			.toList();
		assertThat(written).containsExactlyInAnyOrderElementsOf(ids).isNotEqualTo(ids);
	}

	@Test
	void everyRequestFailsIntoTheErrorFileWhileTheDemoIsSetToFail() throws Exception {
		controls.setFailStatus(503);
		DocumentContext batch = awaitTerminal(
				createBatch(uploadId(chatLine("a", "one") + chatLine("b", "two")), "/v1/chat/completions"));
		assertThat(batch.read("$.status", String.class)).isEqualTo("completed");
		assertThat(batch.read("$.request_counts.failed", Integer.class)).isEqualTo(2);
		assertThat(batch.read("$", Map.class)).containsEntry("output_file_id", null);
		assertThat(lines(batch.read("$.error_file_id")))
			.allSatisfy((line) -> assertThat(line.read("$.response.status_code", Integer.class)).isEqualTo(503));
	}

	@Test
	void embeddingsBatchAnswersEachLineWithAnEmbeddingList() throws Exception {
		String input = "{\"custom_id\": \"e1\", \"method\": \"POST\", \"url\": \"/v1/embeddings\", "
				+ "\"body\": {\"model\": \"echo\", \"input\": [\"alpha\", \"beta\"]}}\n";
		DocumentContext batch = awaitTerminal(createBatch(uploadId(input), "/v1/embeddings"));
		assertThat(batch.read("$.status", String.class)).isEqualTo("completed");
		DocumentContext line = lines(batch.read("$.output_file_id")).get(0);
		assertThat(line.read("$.response.body.object", String.class)).isEqualTo("list");
		assertThat(line.read("$.response.body.data", List.class)).hasSize(2);
	}

	@Test
	void invalidLinesFailTheBatchInValidationNamingEachLine() throws Exception {
		String input = chatLine("a", "fine") + "{not json\n" + chatLine("a", "again")
				+ "{\"custom_id\": \"c\", \"method\": \"POST\", \"url\": \"/v1/embeddings\", \"body\": {}}\n";
		DocumentContext batch = awaitTerminal(createBatch(uploadId(input), "/v1/chat/completions"));
		assertThat(batch.read("$.status", String.class)).isEqualTo("failed");
		assertThat(batch.read("$.failed_at", Long.class)).isPositive();
		assertThat(batch.read("$.errors.object", String.class)).isEqualTo("list");
		assertThat(batch.read("$.errors.data[*].line", List.class)).containsExactly(2, 3, 4);
		assertThat(batch.read("$.errors.data[*].code", List.class)).containsExactly("invalid_json_line",
				"duplicate_custom_id", "mismatched_endpoint");
		assertThat(batch.read("$", Map.class)).containsEntry("output_file_id", null);
	}

	@Test
	void createIsRefused400ForAMissingFileAFileOfAnotherPurposeOrAnUnservedEndpoint() throws Exception {
		assertThat(errorMessage(createBatch("file-nope", "/v1/chat/completions"))).contains("file-nope");
		String notForBatches = JsonPath.parse(upload(chatLine("a", "x"), "user_data").body()).read("$.id");
		assertThat(errorMessage(createBatch(notForBatches, "/v1/chat/completions"))).contains("purpose 'batch'");
		assertThat(errorMessage(createBatch(uploadId(chatLine("a", "x")), "/v1/responses"))).contains("'endpoint'");
		HttpResponse<String> window = post("/batches", "{\"input_file_id\": \"" + uploadId(chatLine("a", "x"))
				+ "\", \"endpoint\": \"/v1/chat/completions\", \"completion_window\": \"1h\"}");
		assertThat(window.statusCode()).isEqualTo(400);
		assertThat(errorMessage(window)).contains("'completion_window'");
	}

	@Test
	void batchWaitsInValidatingForItsPhaseAndCancelEndsItCancelled() throws Exception {
		controls.setBatchPhase(DemoControls.MAX_BATCH_PHASE);
		HttpResponse<String> created = createBatch(uploadId(chatLine("a", "one")), "/v1/chat/completions");
		DocumentContext batch = JsonPath.parse(created.body());
		assertThat(batch.read("$.status", String.class)).isEqualTo("validating");
		assertThat(batch.read("$", Map.class)).containsEntry("in_progress_at", null)
			.containsEntry("output_file_id", null)
			.containsEntry("metadata", Map.of("job", "demo"));
		HttpResponse<String> cancel = post("/batches/" + batch.read("$.id") + "/cancel", "");
		assertThat(cancel.statusCode()).isEqualTo(200);
		assertThat(JsonPath.parse(cancel.body()).read("$.status", String.class)).isIn("cancelling", "cancelled");
		DocumentContext cancelled = awaitTerminal(created);
		assertThat(cancelled.read("$.status", String.class)).isEqualTo("cancelled");
		assertThat(cancelled.read("$.cancelling_at", Long.class)).isPositive();
		assertThat(cancelled.read("$.cancelled_at", Long.class)).isPositive();
		HttpResponse<String> again = post("/batches/" + batch.read("$.id") + "/cancel", "");
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(errorMessage(again)).contains("cancelled");
	}

	@Test
	void listShowsTheNewestBatchFirstPageByPage() throws Exception {
		String older = JsonPath.parse(createBatch(uploadId(chatLine("a", "x")), "/v1/chat/completions").body())
			.read("$.id");
		String newer = JsonPath.parse(createBatch(uploadId(chatLine("a", "x")), "/v1/chat/completions").body())
			.read("$.id");
		DocumentContext first = JsonPath.parse(get("/batches?limit=1").body());
		assertThat(first.read("$.object", String.class)).isEqualTo("list");
		assertThat(first.read("$.data[*].id", List.class)).containsExactly(newer);
		assertThat(first.read("$.first_id", String.class)).isEqualTo(newer);
		assertThat(first.read("$.last_id", String.class)).isEqualTo(newer);
		assertThat(first.read("$.has_more", Boolean.class)).isTrue();
		DocumentContext second = JsonPath.parse(get("/batches?limit=1&after=" + newer).body());
		assertThat(second.read("$.data[*].id", List.class)).containsExactly(older);
	}

	@Test
	void unknownBatchIsAnswered404WithAnOpenAiErrorBody() throws Exception {
		HttpResponse<String> response = get("/batches/batch_nope");
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(errorMessage(response)).contains("batch_nope");
	}

	private static String chatLine(String customId, String prompt) {
		return "{\"custom_id\": \"" + customId + "\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", "
				+ "\"body\": {\"model\": \"echo\", \"messages\": [{\"role\": \"user\", \"content\": \"" + prompt
				+ "\"}]}}\n";
	}

	private String uploadId(String content) throws Exception {
		HttpResponse<String> upload = upload(content, "batch");
		assertThat(upload.statusCode()).isEqualTo(200);
		return JsonPath.parse(upload.body()).read("$.id");
	}

	private HttpResponse<String> upload(String content, String purpose) throws Exception {
		return postMultipart("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose
				+ "\r\n--" + BOUNDARY
				+ "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"requests.jsonl\"\r\n"
				+ "Content-Type: application/jsonl\r\n\r\n" + content + "\r\n--" + BOUNDARY + "--\r\n");
	}

	private HttpResponse<String> postMultipart(String body) throws Exception {
		return send(HttpRequest.newBuilder(uri("/files"))
			.header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
			.POST(BodyPublishers.ofString(body)));
	}

	private HttpResponse<String> createBatch(String inputFileId, String endpoint) throws Exception {
		return post("/batches", "{\"input_file_id\": \"" + inputFileId + "\", \"endpoint\": \"" + endpoint
				+ "\", \"completion_window\": \"24h\", \"metadata\": {\"job\": \"demo\"}}");
	}

	private DocumentContext awaitTerminal(HttpResponse<String> created) throws Exception {
		assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
		String id = JsonPath.parse(created.body()).read("$.id");
		long deadline = System.nanoTime() + TERMINAL_WAIT.toNanos();
		while (true) {
			DocumentContext batch = JsonPath.parse(get("/batches/" + id).body());
			String status = batch.read("$.status");
			if (Stream.of("completed", "failed", "expired", "cancelled").anyMatch(status::equals)) {
				return batch;
			}
			assertThat(System.nanoTime()).as("batch %s still %s", id, status).isLessThan(deadline);
			Thread.sleep(10);
		}
	}

	private List<DocumentContext> lines(String fileId) throws Exception {
		HttpResponse<String> content = get("/files/" + fileId + "/content");
		assertThat(content.statusCode()).isEqualTo(200);
		List<DocumentContext> lines = new ArrayList<>();
		content.body().lines().map(JsonPath::parse).forEach(lines::add);
		return lines;
	}

	private static String errorMessage(HttpResponse<String> response) {
		assertThat(response.statusCode()).isBetween(400, 499);
		DocumentContext json = JsonPath.parse(response.body());
		assertThat(json.read("$.error.type", String.class)).isEqualTo("invalid_request_error");
		return json.read("$.error.message");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(json)));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.build(), BodyHandlers.ofString());
	}

	private static URI uri(String path) {
		return URI.create(backend.baseUrl() + path);
	}

}
