package dev.llmclient.sample.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.llmclient.sample.demo.DemoBatchWireFormat.BatchError;
import dev.llmclient.sample.demo.DemoBatchWireFormat.FileObject;
import dev.llmclient.sample.demo.DemoBatchWireFormat.InputLine;
import dev.llmclient.sample.demo.DemoBatchWireFormat.OutputLine;
import dev.llmclient.sample.demo.DemoBatchWireFormat.ResponseLine;
import dev.llmclient.sample.demo.DemoFiles.NewFile;
import dev.llmclient.sample.demo.DemoWireFormat.Completion;
import dev.llmclient.sample.demo.DemoWireFormat.CompletionRequest;
import dev.llmclient.sample.demo.DemoWireFormat.EmbeddingList;
import dev.llmclient.sample.demo.DemoWireFormat.EmbeddingsRequest;
import dev.llmclient.sample.demo.DemoWireFormat.ErrorBody;
import dev.llmclient.sample.demo.DemoWireFormat.ErrorDetail;

/**
 * Runs the demo's batches in the background, as a provider does: validates the input file
 * ({@code validating}), answers every request with the echo model or the demo embeddings
 * ({@code in_progress}), then writes the output and error files ({@code finalizing}) and
 * ends the batch. Each phase takes {@link DemoControls#batchPhase()}; answering spreads
 * over two phases, so the counts can be watched growing. Requests whose prompt contains
 * {@value #FAIL_WORD} fail into the error file with status 400 (every request fails with
 * the demo's fail status when one is set). Answers are written in no particular order, as
 * a provider writes them. Files are read and written line by line: a batch holds one
 * small window of answers in memory at a time.
 */
final class DemoBatchRunner implements AutoCloseable {

	/** The most requests OpenAI takes in one batch. */
	static final int MAX_REQUESTS = 50_000;

	/** The largest input file OpenAI takes for a batch. */
	static final long MAX_INPUT_BYTES = 200L * 1024 * 1024;

	static final String FAIL_WORD = "fail";

	/** At most this many validation errors are reported, as a provider caps them. */
	private static final int MAX_ERRORS = 10;

	private static final int MAX_WINDOW = 256;

	/** Answering takes this many phases. */
	private static final int ANSWER_PHASES = 2;

	private static final int THREADS = 2;

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final DemoFiles files;

	private final DemoControls controls;

	private final EchoModel model = new EchoModel(new PrefixCache(PrefixCache.DEFAULT_SIZE));

	private final DemoEmbeddings embeddings = new DemoEmbeddings();

	private final ExecutorService executor;

	DemoBatchRunner(DemoFiles files, DemoControls controls) {
		this.files = files;
		this.controls = controls;
		AtomicInteger count = new AtomicInteger();
		this.executor = Executors.newFixedThreadPool(THREADS, (runnable) -> {
			Thread thread = new Thread(runnable, "llm-demo-batch-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Starts running a batch just created.
	 * @param batch a batch in status {@code validating}
	 */
	void start(DemoBatch batch) {
		this.executor.execute(() -> run(batch));
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	private void run(DemoBatch batch) {
		try {
			pause(batch, this.controls.batchPhase());
			Validation validation = validate(batch);
			if (!validation.errors().isEmpty()) {
				batch.fail(validation.errors());
			}
			else if (batch.start(validation.total(), validation.model())) {
				answerAll(batch, validation.total());
			}
			else {
				batch.end(null, null);
			}
		}
		catch (IOException | RuntimeException ex) {
			batch.fail(List.of(new BatchError("server_error", "The demo could not run the batch: " + ex.getMessage(),
					null, null)));
		}
	}

	/** Reads the input once, checking every line as OpenAI does before it starts. */
	private Validation validate(DemoBatch batch) throws IOException {
		FileObject input = this.files.get(batch.inputFileId());
		if (input == null) {
			return Validation.failed(new BatchError("file_not_found",
					"The input file " + batch.inputFileId() + " was deleted before the batch ran", "input_file_id",
					null));
		}
		if (input.bytes() > MAX_INPUT_BYTES) {
			return Validation.failed(new BatchError("file_too_large", "The input file has " + input.bytes()
					+ " bytes; a batch takes at most " + MAX_INPUT_BYTES + " bytes", "input_file_id", null));
		}
		List<BatchError> errors = new ArrayList<>();
		Set<String> customIds = new HashSet<>();
		String model = null;
		int total = 0;
		try (BufferedReader reader = open(input)) {
			int number = 0;
			for (String text = reader.readLine(); text != null
					&& errors.size() < MAX_ERRORS; text = reader.readLine()) {
				number++;
				if (text.isBlank()) {
					continue;
				}
				if (++total > MAX_REQUESTS) {
					errors.add(new BatchError("too_many_requests",
							"A batch takes at most " + MAX_REQUESTS + " requests; this file has more", null, number));
					break;
				}
				InputLine line = parse(text);
				BatchError error = check(line, batch.endpoint(), customIds, number);
				if (error == null && line.body().hasNonNull("model")) {
					String lineModel = line.body().get("model").asString();
					if (model != null && !model.equals(lineModel)) {
						error = new BatchError("mismatched_model",
								"Every request of a batch must name the same model: '" + lineModel + "' differs from '"
										+ model + "'",
								"body.model", number);
					}
					model = lineModel;
				}
				if (error != null) {
					errors.add(error);
				}
			}
		}
		if (errors.isEmpty() && total == 0) {
			errors.add(new BatchError("empty_file", "The input file holds no request", "input_file_id", null));
		}
		return new Validation(total, model, errors);
	}

	private static InputLine parse(String text) {
		try {
			return MAPPER.readValue(text, InputLine.class);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static BatchError check(InputLine line, String endpoint, Set<String> customIds, int number) {
		if (line == null) {
			return new BatchError("invalid_json_line", "The line is not a JSON object", null, number);
		}
		if (line.customId() == null || line.customId().isEmpty()) {
			return new BatchError("missing_required_parameter", "'custom_id' is required", "custom_id", number);
		}
		if (!customIds.add(line.customId())) {
			return new BatchError("duplicate_custom_id",
					"The custom_id '" + line.customId() + "' is used by an earlier line", "custom_id", number);
		}
		if (!"POST".equals(line.method())) {
			return new BatchError("invalid_method", "'method' must be 'POST', was '" + line.method() + "'", "method",
					number);
		}
		if (!endpoint.equals(line.url())) {
			return new BatchError("mismatched_endpoint",
					"'url' must be the batch's endpoint '" + endpoint + "', was '" + line.url() + "'", "url", number);
		}
		if (line.body() == null || !line.body().isObject()) {
			return new BatchError("invalid_request", "'body' must be a JSON object", "body", number);
		}
		return null;
	}

	private void answerAll(DemoBatch batch, int total) throws IOException {
		int window = Math.max(1, Math.min(MAX_WINDOW, total / 8));
		int windows = (total + window - 1) / window;
		Duration pausePerWindow = this.controls.batchPhase().multipliedBy(ANSWER_PHASES).dividedBy(windows);
		NewFile output = this.files.create(batch.id() + "_output.jsonl");
		NewFile errors = this.files.create(batch.id() + "_error.jsonl");
		try (BufferedReader reader = open(this.files.get(batch.inputFileId()));
				OutputStream outputContent = output.content();
				OutputStream errorContent = errors.content()) {
			List<Answer> answers = new ArrayList<>(window);
			for (String text = reader.readLine(); text != null && !batch.cancelRequested(); text = reader.readLine()) {
				if (text.isBlank()) {
					continue;
				}
				answers.add(answer(batch.endpoint(), MAPPER.readValue(text, InputLine.class)));
				if (answers.size() == window) {
					write(batch, answers, outputContent, errorContent);
					pause(batch, pausePerWindow);
				}
			}
			write(batch, answers, outputContent, errorContent);
		}
		if (batch.finalizing()) {
			pause(batch, this.controls.batchPhase());
		}
		batch.end(storeUnlessEmpty(output), storeUnlessEmpty(errors));
	}

	private static String storeUnlessEmpty(NewFile file) throws IOException {
		if (file.isEmpty()) {
			file.discard();
			return null;
		}
		return file.store("batch_output").id();
	}

	/** Writes a window of answers in a random order, and counts them. */
	private static void write(DemoBatch batch, List<Answer> answers, OutputStream output, OutputStream errors)
			throws IOException {
		Collections.shuffle(answers, ThreadLocalRandom.current());
		int completed = 0;
		long inputTokens = 0;
		long outputTokens = 0;
		for (Answer answer : answers) {
			OutputStream out = answer.succeeded() ? output : errors;
			out.write(MAPPER.writeValueAsBytes(answer.line()));
			out.write('\n');
			completed += answer.succeeded() ? 1 : 0;
			inputTokens += answer.inputTokens();
			outputTokens += answer.outputTokens();
		}
		batch.answered(completed, answers.size() - completed, inputTokens, outputTokens);
		answers.clear();
	}

	/** Answers one request as the live endpoint would, or fails it. */
	private Answer answer(String endpoint, InputLine line) {
		int failStatus = this.controls.failStatus();
		if (failStatus != 0) {
			return Answer
				.failed(line, failStatus,
						new ErrorDetail(
								"The demo backend is set to fail every request with HTTP " + failStatus
										+ " (PUT /api/demo {\"failStatus\": 0} to answer again)",
								"server_error", null));
		}
		JsonNode prompt = line.body().path(endpoint.equals("/v1/embeddings") ? "input" : "messages");
		if (prompt.toString().toLowerCase(Locale.ROOT).contains(FAIL_WORD)) {
			return Answer.failed(line, 400,
					new ErrorDetail("The demo fails every batch request whose prompt contains '" + FAIL_WORD + "'",
							"invalid_request_error", "demo_failure"));
		}
		try {
			if (endpoint.equals("/v1/embeddings")) {
				EmbeddingList list = this.embeddings.embed(MAPPER.treeToValue(line.body(), EmbeddingsRequest.class));
				return Answer.succeeded(line, list, list.usage().promptTokens(), 0);
			}
			Completion completion = this.model.complete(MAPPER.treeToValue(line.body(), CompletionRequest.class));
			return Answer.succeeded(line, completion, completion.usage().promptTokens(),
					completion.usage().completionTokens());
		}
		catch (IllegalArgumentException | JacksonException ex) {
			String message = (ex instanceof JacksonException json) ? json.getOriginalMessage() : ex.getMessage();
			return Answer.failed(line, 400,
					new ErrorDetail(Objects.toString(message, "Invalid request"), "invalid_request_error", null));
		}
	}

	private BufferedReader open(FileObject file) throws IOException {
		return new BufferedReader(new InputStreamReader(this.files.open(file.id()), StandardCharsets.UTF_8));
	}

	private static void pause(DemoBatch batch, Duration duration) {
		try {
			batch.pause(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("The demo backend is stopping", ex);
		}
	}

	private static String newId(String prefix) {
		return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
	}

	private record Validation(int total, String model, List<BatchError> errors) {

		static Validation failed(BatchError error) {
			return new Validation(0, null, List.of(error));
		}

	}

	private record Answer(OutputLine line, boolean succeeded, long inputTokens, long outputTokens) {

		static Answer succeeded(InputLine input, Object body, long inputTokens, long outputTokens) {
			return new Answer(new OutputLine(newId("batch_req_"), input.customId(),
					new ResponseLine(200, newId("req_"), body), null), true, inputTokens, outputTokens);
		}

		static Answer failed(InputLine input, int status, ErrorDetail error) {
			return new Answer(new OutputLine(newId("batch_req_"), input.customId(),
					new ResponseLine(status, newId("req_"), new ErrorBody(error)), null), false, 0, 0);
		}

	}

}
