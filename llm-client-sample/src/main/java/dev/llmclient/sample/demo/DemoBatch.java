package dev.llmclient.sample.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmclient.sample.demo.DemoBatchWireFormat.BatchError;
import dev.llmclient.sample.demo.DemoBatchWireFormat.BatchErrors;
import dev.llmclient.sample.demo.DemoBatchWireFormat.BatchObject;
import dev.llmclient.sample.demo.DemoBatchWireFormat.BatchUsage;
import dev.llmclient.sample.demo.DemoBatchWireFormat.InputTokensDetails;
import dev.llmclient.sample.demo.DemoBatchWireFormat.OutputTokensDetails;
import dev.llmclient.sample.demo.DemoBatchWireFormat.RequestCounts;

/**
 * One batch of the demo and the way its status moves: {@code validating ->
 * in_progress -> finalizing -> completed}, or {@code failed} when its input is invalid,
 * or {@code cancelling -> cancelled} when cancelled before it ends. The
 * {@link DemoBatchRunner} moves it; the API reads it as a {@link BatchObject}.
 */
final class DemoBatch {

	/** The only completion window OpenAI offers. */
	static final Duration COMPLETION_WINDOW = Duration.ofHours(24);

	/**
	 * The statuses a demo batch goes through: every one of OpenAI's but {@code expired},
	 * since a demo batch ends within seconds of its 24 h window.
	 */
	enum Status {

		VALIDATING, IN_PROGRESS, FINALIZING, COMPLETED, FAILED, CANCELLING, CANCELLED;

		String wire() {
			return name().toLowerCase(Locale.ROOT);
		}

		boolean terminal() {
			return this == COMPLETED || this == FAILED || this == CANCELLED;
		}

	}

	private final String id;

	private final String endpoint;

	private final String inputFileId;

	private final Map<String, String> metadata;

	private final long createdAt = now();

	private Status status = Status.VALIDATING;

	private String model;

	private List<BatchError> errors;

	private String outputFileId;

	private String errorFileId;

	private Long inProgressAt;

	private Long finalizingAt;

	private Long completedAt;

	private Long failedAt;

	private Long cancellingAt;

	private Long cancelledAt;

	private int total;

	private int completed;

	private int failed;

	private long inputTokens;

	private long outputTokens;

	DemoBatch(String id, String endpoint, String inputFileId, Map<String, String> metadata) {
		this.id = id;
		this.endpoint = endpoint;
		this.inputFileId = inputFileId;
		this.metadata = metadata;
	}

	String id() {
		return this.id;
	}

	String endpoint() {
		return this.endpoint;
	}

	String inputFileId() {
		return this.inputFileId;
	}

	synchronized Status status() {
		return this.status;
	}

	/** Whether a cancel was asked for: the runner stops at the next request. */
	synchronized boolean cancelRequested() {
		return this.status == Status.CANCELLING;
	}

	/**
	 * Waits as long as a phase of the batch takes, or less when the batch is cancelled
	 * meanwhile.
	 * @param duration the time to wait
	 * @throws InterruptedException when the demo backend stops
	 */
	synchronized void pause(Duration duration) throws InterruptedException {
		long deadline = System.nanoTime() + duration.toNanos();
		for (long left = duration.toNanos(); left > 0
				&& this.status != Status.CANCELLING; left = deadline - System.nanoTime()) {
			TimeUnit.NANOSECONDS.timedWait(this, left);
		}
	}

	/**
	 * Passes validation and starts answering.
	 * @param total requests in the input file
	 * @param model the model the requests name
	 * @return {@code false} when cancelled meanwhile
	 */
	synchronized boolean start(int total, String model) {
		if (this.status != Status.VALIDATING) {
			return false;
		}
		this.status = Status.IN_PROGRESS;
		this.inProgressAt = now();
		this.total = total;
		this.model = model;
		return true;
	}

	/** Counts requests answered and the tokens they used. */
	synchronized void answered(int completed, int failed, long inputTokens, long outputTokens) {
		this.completed += completed;
		this.failed += failed;
		this.inputTokens += inputTokens;
		this.outputTokens += outputTokens;
	}

	/**
	 * Every request is answered: the output files are being written.
	 * @return {@code false} when cancelled meanwhile
	 */
	synchronized boolean finalizing() {
		if (this.status != Status.IN_PROGRESS) {
			return false;
		}
		this.status = Status.FINALIZING;
		this.finalizingAt = now();
		return true;
	}

	/**
	 * Ends the batch with its files: {@code completed}, or {@code cancelled} when a
	 * cancel was asked for.
	 * @param outputFileId the answered requests, or {@code null} when none was
	 * @param errorFileId the failed requests, or {@code null} when none failed
	 */
	synchronized void end(String outputFileId, String errorFileId) {
		this.outputFileId = outputFileId;
		this.errorFileId = errorFileId;
		if (this.status == Status.CANCELLING) {
			this.status = Status.CANCELLED;
			this.cancelledAt = now();
		}
		else {
			this.status = Status.COMPLETED;
			this.completedAt = now();
		}
	}

	/**
	 * Fails the batch in validation.
	 * @param errors what is wrong with the input, each naming its line
	 */
	synchronized void fail(List<BatchError> errors) {
		this.status = Status.FAILED;
		this.failedAt = now();
		this.errors = List.copyOf(errors);
	}

	/**
	 * Asks the batch to stop: {@code cancelling} until the runner has written what is
	 * answered.
	 * @throws IllegalStateException when the batch has ended already
	 */
	synchronized void cancel() {
		if (this.status.terminal()) {
			throw new IllegalStateException(
					"Batch " + this.id + " cannot be cancelled: its status is already '" + this.status.wire() + "'");
		}
		if (this.status != Status.CANCELLING) {
			this.status = Status.CANCELLING;
			this.cancellingAt = now();
			notifyAll();
		}
	}

	synchronized BatchObject snapshot() {
		BatchUsage usage = new BatchUsage(this.inputTokens, new InputTokensDetails(0), this.outputTokens,
				new OutputTokensDetails(0), this.inputTokens + this.outputTokens);
		return new BatchObject(this.id, "batch", this.endpoint, this.model,
				(this.errors != null) ? new BatchErrors("list", this.errors) : null, this.inputFileId, "24h",
				this.status.wire(), this.outputFileId, this.errorFileId, this.createdAt, this.inProgressAt,
				this.createdAt + COMPLETION_WINDOW.toSeconds(), this.finalizingAt, this.completedAt, this.failedAt,
				null, this.cancellingAt, this.cancelledAt, new RequestCounts(this.total, this.completed, this.failed),
				usage, this.metadata);
	}

	private static long now() {
		return Instant.now().getEpochSecond();
	}

}
