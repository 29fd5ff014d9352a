package dev.llmclient.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.llmclient.BatchJobSettings;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.internal.operation.BatchApi;
import dev.llmclient.internal.operation.ProviderBatch;

/**
 * Submits and resumes the batch jobs of one {@link LlmBatchService}: writes the input
 * files, uploads them and creates the batches on the job's endpoint (the first,
 * {@code endpoints[0]}, when the client has several), falls back to the live batch path
 * when the server has no Batch API and {@code batch-jobs.mode} is {@code auto}, and finds
 * a job again from its id.
 */
final class BatchJobs {

	/**
	 * The most provider batches one job is split into: their ids must fit in the first
	 * batch's metadata value (512 characters).
	 */
	static final int MAX_PARTS = 8;

	/**
	 * Live jobs remembered: beyond, the oldest that has ended is forgotten with its
	 * result.
	 */
	private static final int REMEMBERED_LIVE_JOBS = 64;

	private static final Log logger = LogFactory.getLog(LlmBatchService.class);

	private final LlmBatchService service;

	private final BatchApi api;

	private final BatchJobSettings settings;

	private final BatchMetrics metrics;

	/** The live jobs of this process, so that job(id) finds them while it runs. */
	private final Map<String, LiveJob<?, ?>> liveJobs = Collections
		.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, LiveJob<?, ?>> eldest) {
				return size() > REMEMBERED_LIVE_JOBS && eldest.getValue().status().terminal();
			}

		});

	/**
	 * @param api the provider's API over the client's pipeline, or {@code null} for a
	 * client that is not the starter's, whose jobs run live
	 */
	BatchJobs(LlmBatchService service, BatchApi api, BatchJobSettings settings, BatchMetrics metrics) {
		this.service = service;
		this.api = api;
		this.settings = settings;
		this.metrics = metrics;
	}

	<Q, R> BatchJob<R> submit(JobKind<Q, R> kind, List<Q> requests, BatchJobOptions options) {
		BatchJobSettings.Mode mode = (options.mode() != null) ? options.mode() : this.settings.mode();
		if (mode == BatchJobSettings.Mode.LIVE || (this.api == null && mode == BatchJobSettings.Mode.AUTO)) {
			return live(kind, requests);
		}
		if (this.api == null) {
			throw new IllegalStateException("Batch jobs on the provider need a client built by LlmClient.builder() "
					+ "or the starter; this service's client is " + this.service.client()
					+ ": submit with mode AUTO or LIVE to run the job through live calls");
		}
		int endpoint = 0;
		List<JobInput.Part> inputs = JobInput.write(kind, requests, this.api, endpoint,
				this.settings.maxRequestsPerBatch(), this.settings.maxBytesPerBatch());
		try {
			if (inputs.size() > MAX_PARTS) {
				throw new IllegalArgumentException(
						"The job splits into " + inputs.size() + " provider batches; one job holds at most " + MAX_PARTS
								+ " (by " + this.api.settings().property("batch-jobs.max-requests-per-batch") + " and "
								+ this.api.settings().property("batch-jobs.max-bytes-per-batch")
								+ "): submit the requests as several jobs; nothing was sent");
			}
			return create(kind, requests, options, inputs, endpoint, mode);
		}
		finally {
			JobInput.delete(inputs);
		}
	}

	/**
	 * Uploads each input file and creates its batch, the first last so that its metadata
	 * can list the others; cancels what was created when a later step fails.
	 */
	private <Q, R> BatchJob<R> create(JobKind<Q, R> kind, List<Q> requests, BatchJobOptions options,
			List<JobInput.Part> inputs, int endpoint, BatchJobSettings.Mode mode) {
		String window = (options.completionWindow() != null) ? options.completionWindow()
				: this.settings.completionWindow();
		ProviderJob.Part[] parts = new ProviderJob.Part[inputs.size()];
		try {
			for (int k = inputs.size() - 1; k >= 0; k--) {
				JobInput.Part input = inputs.get(k);
				boolean first = k == inputs.size() - 1;
				String fileId;
				try {
					fileId = this.api.upload(endpoint, input.file(), "llm-client-batch-" + k + ".jsonl");
				}
				catch (LlmHttpException ex) {
					if (first && ex.statusCode() == 404) {
						return withoutBatchApi(kind, requests, mode, "/files", ex);
					}
					throw ex;
				}
				Map<String, String> metadata = JobKind.metadata(options.metadata(), kind, input.from(), input.count());
				if (k == 0 && inputs.size() > 1) {
					metadata.put(ProviderJob.PARTS_KEY, partIds(parts));
				}
				ProviderBatch batch;
				try {
					batch = this.api.create(endpoint, fileId, kind.url(), window, metadata);
				}
				catch (LlmHttpException ex) {
					deleteQuietly(endpoint, fileId);
					if (first && ex.statusCode() == 404) {
						return withoutBatchApi(kind, requests, mode, "/batches", ex);
					}
					throw ex;
				}
				parts[k] = new ProviderJob.Part(batch, input.from(), input.count());
			}
		}
		catch (RuntimeException ex) {
			for (ProviderJob.Part part : parts) {
				if (part != null) {
					cancelQuietly(endpoint, part.batch.id());
				}
			}
			throw ex;
		}
		return new ProviderJob<>(this.api, kind, endpoint, List.of(parts), requests, this.settings, this.metrics);
	}

	private static String partIds(ProviderJob.Part[] parts) {
		List<String> ids = new ArrayList<>();
		for (int k = 1; k < parts.length; k++) {
			ids.add(parts[k].batch.id());
		}
		String joined = String.join(" ", ids);
		if (joined.length() > 512) {
			throw new IllegalArgumentException("The ids of the job's " + parts.length
					+ " provider batches do not fit in the first batch's metadata (512 characters): "
					+ "submit the requests as several jobs");
		}
		return joined;
	}

	private <Q, R> BatchJob<R> withoutBatchApi(JobKind<Q, R> kind, List<Q> requests, BatchJobSettings.Mode mode,
			String path, LlmHttpException notFound) {
		if (mode == BatchJobSettings.Mode.PROVIDER) {
			throw new LlmClientException("The server has no Batch API (404 on " + path + ") and "
					+ this.api.settings().property("batch-jobs.mode")
					+ " is provider: set it to auto to run such jobs through live calls, "
					+ "or use a server that offers /v1/files and /v1/batches", notFound);
		}
		logger.info("The server has no Batch API (404 on " + path + "): the batch job of " + requests.size()
				+ " request(s) runs through live calls (" + this.api.settings().property("batch-jobs.mode") + "=auto)");
		return live(kind, requests);
	}

	private <Q, R> BatchJob<R> live(JobKind<Q, R> kind, List<Q> requests) {
		LiveJob<Q, R> job = new LiveJob<>(this.service, kind, requests, this.metrics);
		this.liveJobs.put(job.id(), job);
		return job.start();
	}

	/** Finds a job again from its id: a live job of this process, or the provider's. */
	@SuppressWarnings("unchecked")
	<Q, R> BatchJob<R> job(JobKind<Q, R> kind, String id) {
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("id must not be blank: pass what BatchJob.id() returned");
		}
		if (id.startsWith(LiveJob.ID_PREFIX)) {
			LiveJob<?, ?> job = this.liveJobs.get(id);
			if (job == null) {
				throw new IllegalArgumentException("Batch job " + id + " ran through live calls (mode LIVE: the "
						+ "server has no Batch API, or batch-jobs.mode is live) in another process or before a "
						+ "restart: a LIVE job lives only in the process that submitted it and cannot be resumed "
						+ "by id; submit its requests again");
			}
			return (BatchJob<R>) job;
		}
		if (this.api == null) {
			throw new IllegalStateException("Batch jobs on the provider need a client built by LlmClient.builder() "
					+ "or the starter; this service's client is " + this.service.client());
		}
		int endpoint = -1;
		ProviderBatch first = null;
		LlmHttpException notFound = null;
		for (int e = 0; e < this.api.endpoints() && first == null; e++) {
			try {
				first = this.api.retrieve(e, id);
				endpoint = e;
			}
			catch (LlmHttpException ex) {
				if (ex.statusCode() != 404) {
					throw ex;
				}
				notFound = ex;
			}
		}
		if (first == null) {
			throw (this.api.endpoints() == 1) ? notFound : new LlmClientException("None of the client's "
					+ this.api.endpoints() + " endpoints knows batch job " + id + " (each answered 404)", notFound);
		}
		List<ProviderJob.Part> parts = new ArrayList<>();
		parts.add(part(kind, id, first));
		String others = first.metadata().get(ProviderJob.PARTS_KEY);
		if (others != null && !others.isBlank()) {
			for (String other : others.trim().split(" +")) {
				parts.add(part(kind, id, this.api.retrieve(endpoint, other)));
			}
		}
		parts.sort((a, b) -> Integer.compare(a.from, b.from));
		return new ProviderJob<>(this.api, kind, endpoint, parts, null, this.settings, this.metrics);
	}

	private static ProviderJob.Part part(JobKind<?, ?> kind, String id, ProviderBatch batch) {
		String job = batch.metadata().get(ProviderJob.JOB_KEY);
		if (job == null) {
			throw new IllegalArgumentException("Batch " + batch.id() + " was not submitted by LlmBatchService (its "
					+ "metadata has no " + ProviderJob.JOB_KEY + "): job(id) resumes the jobs submit(...) created");
		}
		String[] fields = job.split(":");
		if (fields.length != 3 || !fields[0].equals(kind.name())) {
			throw new IllegalArgumentException("Batch job " + id + " holds " + fields[0] + " requests: resume it with "
					+ (fields[0].equals("embeddings") ? "embeddingsJob(id)" : "job(id)"));
		}
		return new ProviderJob.Part(batch, Integer.parseInt(fields[1]), Integer.parseInt(fields[2]));
	}

	private void cancelQuietly(int endpoint, String id) {
		try {
			this.api.cancel(endpoint, id);
		}
		catch (LlmClientException ex) {
			logger.warn("Could not cancel batch " + id + " of a job that failed to start: " + ex.getMessage());
		}
	}

	private void deleteQuietly(int endpoint, String fileId) {
		try {
			this.api.delete(endpoint, fileId);
		}
		catch (LlmClientException ex) {
			logger.warn("Could not delete the input file " + fileId + " of a batch that failed to start: "
					+ ex.getMessage());
		}
	}

}
