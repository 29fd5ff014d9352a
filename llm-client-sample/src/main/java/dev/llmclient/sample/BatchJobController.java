package dev.llmclient.sample;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmHttpException;
import dev.llmclient.batch.BatchJob;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;

/**
 * {@code POST /api/batch/jobs}: prompts handed to the provider's Batch API as one job
 * (half the price of live calls, answered within hours), answered {@code 202} with the
 * job's id at once; {@code GET /api/batch/jobs/{id}}: its status and counts and, once
 * ended, one result per prompt in order; {@code POST /api/batch/jobs/{id}/cancel}. A job
 * is found again from its id alone ({@link LlmBatchService#job(String)}), so the id still
 * works after the sample restarts. On a server without the Batch API the job runs through
 * the client's live batch path, and says so in its {@code mode}.
 */
@RestController
class BatchJobController {

	/** Handles of the latest jobs, so polling one does not look it up anew each time. */
	private static final int REMEMBERED_JOBS = 100;

	private final LlmBatchService batchService;

	private final int maxPrompts;

	private final int maxPromptChars;

	private final Map<String, BatchJob<BatchResult>> jobs = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, BatchJob<BatchResult>> eldest) {
			return size() > REMEMBERED_JOBS;
		}

	};

	BatchJobController(LlmBatchService batchService, @Value("${sample.batch.max-prompts:1000}") int maxPrompts,
			@Value("${sample.prompt.max-chars:100000}") int maxPromptChars) {
		this.batchService = batchService;
		this.maxPrompts = maxPrompts;
		this.maxPromptChars = maxPromptChars;
	}

	@PostMapping("/api/batch/jobs")
	ResponseEntity<BatchJobResponse> submit(@RequestBody BatchRequest request) {
		List<ChatRequest> requests = request.checkedPrompts(this.maxPrompts, this.maxPromptChars)
			.stream()
			.map(ChatRequest::of)
			.toList();
		BatchJob<BatchResult> job = this.batchService.submit(requests);
		synchronized (this.jobs) {
			this.jobs.put(job.id(), job);
		}
		return ResponseEntity.accepted()
			.location(URI.create("/api/batch/jobs/" + job.id()))
			.body(BatchJobResponse.submitted(job));
	}

	@GetMapping("/api/batch/jobs/{id}")
	ResponseEntity<?> job(@PathVariable String id) {
		BatchJob<BatchResult> job = find(id);
		return (job != null) ? ResponseEntity.ok(BatchJobResponse.of(job)) : notFound(id);
	}

	@PostMapping("/api/batch/jobs/{id}/cancel")
	ResponseEntity<?> cancel(@PathVariable String id) {
		BatchJob<BatchResult> job = find(id);
		if (job == null) {
			return notFound(id);
		}
		job.cancel();
		return ResponseEntity.ok(BatchJobResponse.of(job));
	}

	/** The job's handle, or {@code null} when the provider knows no such job. */
	private BatchJob<BatchResult> find(String id) {
		synchronized (this.jobs) {
			BatchJob<BatchResult> job = this.jobs.get(id);
			if (job != null) {
				return job;
			}
		}
		BatchJob<BatchResult> job;
		try {
			job = this.batchService.job(id);
		}
		catch (LlmHttpException ex) {
			if (ex.statusCode() == HttpStatus.NOT_FOUND.value()) {
				return null;
			}
			throw ex;
		}
		synchronized (this.jobs) {
			this.jobs.put(id, job);
		}
		return job;
	}

	private static ResponseEntity<ErrorResponse> notFound(String id) {
		return ResponseEntity.status(HttpStatus.NOT_FOUND)
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ErrorResponse("No batch job " + id + " on the LLM server", "not_found"));
	}

}
