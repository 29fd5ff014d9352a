package dev.llmclient.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import dev.llmclient.BatchJobSettings;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.internal.operation.BatchApi;
import dev.llmclient.internal.operation.ProviderBatch;
import dev.llmclient.internal.wire.ChatCodec;

/**
 * A job on the provider's Batch API: one provider batch, or several when the job was
 * split, all on one endpoint. The first batch's id is the job's; its metadata lists the
 * others ({@value #PARTS_KEY}), and each batch's metadata says which requests it holds
 * ({@value #JOB_KEY}: {@code kind:from:count}), so the id alone resumes the job.
 *
 * @param <Q> the request
 * @param <R> the result
 */
final class ProviderJob<Q, R> implements BatchJob<R> {

	/** The metadata key of each batch: {@code chat|embeddings:from:count}. */
	static final String JOB_KEY = "llm_client_job";

	/** The metadata key of the first batch: the ids of the others, space-separated. */
	static final String PARTS_KEY = "llm_client_parts";

	private static final Log logger = LogFactory.getLog(LlmBatchService.class);

	private final BatchApi api;

	private final JobKind<Q, R> kind;

	private final int endpoint;

	private final List<Part> parts;

	private final BatchJobSettings settings;

	private final BatchMetrics metrics;

	private final long startNanos = System.nanoTime();

	/**
	 * The requests, or {@code null} for a resumed job until read from its input files.
	 */
	private List<Q> requests;

	private R result;

	private Counts resultCounts;

	private long lastPoll;

	private boolean counted;

	ProviderJob(BatchApi api, JobKind<Q, R> kind, int endpoint, List<Part> parts, List<Q> requests,
			BatchJobSettings settings, BatchMetrics metrics) {
		this.api = api;
		this.kind = kind;
		this.endpoint = endpoint;
		this.parts = List.copyOf(parts);
		this.requests = requests;
		this.settings = settings;
		this.metrics = metrics;
		this.lastPoll = System.nanoTime();
	}

	/** One provider batch of the job: requests {@code from} to {@code from + count}. */
	static final class Part {

		final int from;

		final int count;

		ProviderBatch batch;

		Part(ProviderBatch batch, int from, int count) {
			this.batch = batch;
			this.from = from;
			this.count = count;
		}

		Status status() {
			return ProviderJob.status(this.batch.status());
		}

	}

	@Override
	public String id() {
		return this.parts.get(0).batch.id();
	}

	@Override
	public Mode mode() {
		return Mode.PROVIDER;
	}

	@Override
	public synchronized Status status() {
		refresh(false);
		return aggregate();
	}

	@Override
	public synchronized Counts counts() {
		if (this.resultCounts != null) {
			return this.resultCounts;
		}
		refresh(false);
		int total = 0;
		int completed = 0;
		int failed = 0;
		for (Part part : this.parts) {
			total += part.count;
			completed += part.batch.completed();
			failed += part.batch.failed();
		}
		return new Counts(total, completed, failed);
	}

	@Override
	public Status await(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Duration interval = this.settings.pollInterval();
		while (true) {
			Status status;
			synchronized (this) {
				try {
					refresh(true);
				}
				catch (CancellationException ex) {
					// the poll was cut off by an interrupt of the waiting thread
					throw new LlmClientException("Interrupted while waiting for batch job " + id(), ex);
				}
				status = aggregate();
			}
			long remaining = deadline - System.nanoTime();
			if (status.terminal() || remaining <= 0) {
				return status;
			}
			try {
				Thread.sleep(Math.max(1, Math.min(jittered(interval).toMillis(), remaining / 1_000_000)));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new LlmClientException("Interrupted while waiting for batch job " + id(), ex);
			}
			interval = interval.multipliedBy(2);
			if (interval.compareTo(this.settings.maxPollInterval()) > 0) {
				interval = this.settings.maxPollInterval();
			}
		}
	}

	/**
	 * The wait before the next poll: the interval give or take a quarter, within
	 * {@code poll-interval} and {@code max-poll-interval}.
	 */
	private Duration jittered(Duration interval) {
		double factor = 0.75 + 0.5 * ThreadLocalRandom.current().nextDouble();
		Duration wait = Duration.ofNanos((long) (interval.toNanos() * factor));
		if (wait.compareTo(this.settings.pollInterval()) < 0) {
			return this.settings.pollInterval();
		}
		return (wait.compareTo(this.settings.maxPollInterval()) > 0) ? this.settings.maxPollInterval() : wait;
	}

	@Override
	public synchronized R result() {
		if (this.result != null) {
			return this.result;
		}
		refresh(false);
		if (!aggregate().terminal()) {
			refresh(true);
		}
		Status status = aggregate();
		if (!status.terminal()) {
			throw new IllegalStateException("Batch job " + id() + " is " + status
					+ ": its result is ready once it has ended (COMPLETED, EXPIRED, CANCELLED or FAILED); "
					+ "call await(timeout) first");
		}
		if (status == Status.FAILED) {
			throw validationFailure();
		}
		this.result = read();
		return this.result;
	}

	@Override
	public synchronized void cancel() {
		for (Part part : this.parts) {
			if (!part.status().terminal() && part.status() != Status.CANCELLING) {
				try {
					part.batch = this.api.cancel(this.endpoint, part.batch.id());
				}
				catch (LlmHttpException ex) {
					if (!ex.isClientError()) {
						throw ex;
					}
					// ended meanwhile: the provider refuses to cancel it
					part.batch = this.api.retrieve(this.endpoint, part.batch.id());
				}
			}
		}
		this.lastPoll = System.nanoTime();
		countIfEnded();
	}

	/** Asks the provider for every batch not ended, unless it was asked lately. */
	private void refresh(boolean force) {
		if (!force && System.nanoTime() - this.lastPoll < this.settings.pollInterval().toNanos()) {
			return;
		}
		for (Part part : this.parts) {
			if (!part.status().terminal()) {
				part.batch = this.api.retrieve(this.endpoint, part.batch.id());
			}
		}
		this.lastPoll = System.nanoTime();
		countIfEnded();
	}

	private void countIfEnded() {
		Status status = aggregate();
		if (status.terminal() && !this.counted) {
			this.counted = true;
			this.metrics.job(status, Mode.PROVIDER);
		}
	}

	/**
	 * The job's status over its batches: while one runs, the least advanced state; once
	 * all have ended, {@code FAILED}, else {@code EXPIRED}, else {@code CANCELLED} when
	 * one ended so, else {@code COMPLETED}.
	 */
	private Status aggregate() {
		boolean allEnded = true;
		boolean allValidating = true;
		boolean allFinalizing = true;
		boolean cancelling = false;
		boolean failed = false;
		boolean expired = false;
		boolean cancelled = false;
		for (Part part : this.parts) {
			Status status = part.status();
			failed |= status == Status.FAILED;
			expired |= status == Status.EXPIRED;
			cancelled |= status == Status.CANCELLED;
			if (!status.terminal()) {
				allEnded = false;
				cancelling |= status == Status.CANCELLING;
				allValidating &= status == Status.VALIDATING;
				allFinalizing &= status == Status.FINALIZING;
			}
		}
		if (allEnded) {
			return failed ? Status.FAILED : expired ? Status.EXPIRED : cancelled ? Status.CANCELLED : Status.COMPLETED;
		}
		return cancelling ? Status.CANCELLING
				: allValidating ? Status.VALIDATING : allFinalizing ? Status.FINALIZING : Status.IN_PROGRESS;
	}

	static Status status(String status) {
		if (status == null) {
			return Status.VALIDATING;
		}
		return switch (status) {
			case "validating" -> Status.VALIDATING;
			case "finalizing" -> Status.FINALIZING;
			case "completed" -> Status.COMPLETED;
			case "failed" -> Status.FAILED;
			case "expired" -> Status.EXPIRED;
			case "cancelling" -> Status.CANCELLING;
			case "cancelled" -> Status.CANCELLED;
			default -> Status.IN_PROGRESS;
		};
	}

	private LlmBatchJobValidationException validationFailure() {
		List<LlmBatchJobValidationException.LineError> errors = new ArrayList<>();
		for (Part part : this.parts) {
			for (ProviderBatch.Error error : part.batch.errors()) {
				Integer request = (error.line() != null) ? part.from + error.line() - 1 : null;
				errors.add(new LlmBatchJobValidationException.LineError(error.line(), request, error.code(),
						(error.message() != null) ? error.message() : "no message", error.param()));
			}
		}
		return new LlmBatchJobValidationException(id(), errors);
	}

	/**
	 * Reads the output and error files by streaming, matches their lines to the requests
	 * by {@code custom_id}, fails each request in neither, then deletes the files unless
	 * {@code keep-files}.
	 */
	private R read() {
		List<Q> all = (this.requests != null) ? this.requests : readRequests();
		Object[] answers = new Object[all.size()];
		Throwable[] failures = new Throwable[all.size()];
		int[] malformed = new int[1];
		for (Part part : this.parts) {
			for (String file : new String[] { part.batch.outputFileId(), part.batch.errorFileId() }) {
				if (file != null) {
					this.api.read(this.endpoint, file, (line) -> take(line, part, all, answers, failures, malformed));
				}
			}
		}
		int succeeded = 0;
		for (Part part : this.parts) {
			for (int i = part.from; i < part.from + part.count; i++) {
				if (answers[i] != null) {
					succeeded++;
				}
				else if (failures[i] == null) {
					failures[i] = unanswered(i, part, malformed[0]);
				}
			}
		}
		R read = this.kind.result(all, answers, failures, elapsed());
		this.resultCounts = new Counts(all.size(), succeeded, all.size() - succeeded);
		this.metrics.items(succeeded, all.size() - succeeded);
		deleteFiles();
		return read;
	}

	private void take(byte[] line, Part part, List<Q> all, Object[] answers, Throwable[] failures, int[] malformed) {
		JsonNode node;
		int index;
		try {
			node = ChatCodec.MAPPER.readTree(line);
			index = Integer.parseInt(node.path("custom_id").asString(""));
		}
		catch (RuntimeException ex) {
			malformed[0]++;
			return;
		}
		if (index < part.from || index >= part.from + part.count) {
			malformed[0]++;
			return;
		}
		if (answers[index] != null) {
			return; // answered, whatever another line says
		}
		JsonNode response = node.get("response");
		int status = (response != null) ? response.path("status_code").asInt(0) : 0;
		JsonNode body = (response != null) ? response.get("body") : null;
		if (status >= 200 && status < 300 && body != null && body.isObject()) {
			try {
				answers[index] = this.kind.answer(this.api, ChatCodec.MAPPER.writeValueAsBytes(body), all.get(index));
				failures[index] = null;
			}
			catch (RuntimeException ex) {
				failures[index] = new LlmBatchItemException(
						"Request " + index + " of batch job " + id()
								+ ": its answer in the output file cannot be read: " + ex.getMessage(),
						status, null, LlmBatchItemException.MALFORMED);
			}
			return;
		}
		JsonNode bodyError = (body != null) ? body.path("error") : null;
		JsonNode error = node.get("error");
		String type = text(bodyError, "type");
		String code = first(text(bodyError, "code"), text(error, "code"));
		String message = first(text(bodyError, "message"), text(error, "message"));
		failures[index] = new LlmBatchItemException("Request " + index + " of batch job " + id()
				+ " failed at the provider: " + ((message != null) ? message : "no message")
				+ ((code != null) ? " [" + code + "]" : "") + ((status > 0) ? " (HTTP " + status + ")" : ""),
				(status > 0) ? status : null, type, code);
	}

	private Throwable unanswered(int index, Part part, int malformed) {
		Status status = part.status();
		String code = (status == Status.EXPIRED) ? LlmBatchItemException.EXPIRED
				: (status == Status.CANCELLED) ? LlmBatchItemException.CANCELLED : LlmBatchItemException.MISSING;
		String why = switch (code) {
			case LlmBatchItemException.EXPIRED -> "the completion window passed before it was answered";
			case LlmBatchItemException.CANCELLED -> "the job was cancelled before it was answered";
			default -> "it is in neither the output nor the error file"
					+ ((malformed > 0) ? " (" + malformed + " line(s) of those files could not be read)" : "");
		};
		return new LlmBatchItemException("Request " + index + " of batch job " + id() + " was not answered: " + why,
				null, null, code);
	}

	/** Reads a resumed job's requests back from its input files, by streaming. */
	@SuppressWarnings("unchecked")
	private List<Q> readRequests() {
		int total = 0;
		for (Part part : this.parts) {
			total = Math.max(total, part.from + part.count);
		}
		Object[] read = new Object[total];
		for (Part part : this.parts) {
			this.api.read(this.endpoint, part.batch.inputFileId(), (line) -> {
				JsonNode node = ChatCodec.MAPPER.readTree(line);
				int index = Integer.parseInt(node.path("custom_id").asString(""));
				if (index >= part.from && index < part.from + part.count) {
					read[index] = this.kind.decode(node.path("body"));
				}
			});
		}
		List<Q> requests = new ArrayList<>(total);
		for (int i = 0; i < total; i++) {
			if (read[i] == null) {
				throw new LlmClientException("The input file of batch job " + id() + " lacks request " + i
						+ ": the job's requests cannot be read back");
			}
			requests.add((Q) read[i]);
		}
		this.requests = requests;
		return requests;
	}

	private Duration elapsed() {
		long created = this.parts.get(0).batch.createdAt();
		return (created > 0) ? Duration.between(Instant.ofEpochSecond(created), Instant.now()).abs()
				: Duration.ofNanos(System.nanoTime() - this.startNanos);
	}

	private void deleteFiles() {
		if (this.settings.keepFiles()) {
			return;
		}
		for (Part part : this.parts) {
			for (String file : new String[] { part.batch.outputFileId(), part.batch.errorFileId(),
					part.batch.inputFileId() }) {
				if (file != null) {
					try {
						this.api.delete(this.endpoint, file);
					}
					catch (LlmClientException ex) {
						logger.warn("Could not delete file " + file + " of batch job " + id()
								+ " after reading its result: " + ex.getMessage());
					}
				}
			}
		}
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = (node != null) ? node.get(field) : null;
		return (value != null && value.isString()) ? value.asString() : null;
	}

	private static String first(String one, String other) {
		return (one != null) ? one : other;
	}

	@Override
	public String toString() {
		return "BatchJob[" + id() + ", " + this.parts.size() + " provider batch(es)]";
	}

}
